/** The simulated world stores times as ISO strings (it is one JSON document); these convert at the edges. */
export type IsoTime = string;

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const toMs = (time: IsoTime): number => Date.parse(time);
export const toIso = (time: number | Date): IsoTime => new Date(time).toISOString();
export const toDate = (time: IsoTime): Date => new Date(time);
export const toDateOrNull = (time: IsoTime | null): Date | null => (time === null ? null : new Date(time));
