-- AlterEnum
ALTER TYPE "OperationKind" ADD VALUE 'BLUE_GREEN_DEPLOY';

