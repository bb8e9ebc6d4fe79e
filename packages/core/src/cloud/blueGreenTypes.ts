/**
 * What a blue/green deploy on Elastic Beanstalk reads from and asks of a cloud: environments by
 * name with their CNAME and application version, configuration templates saved from a live
 * environment, new environments from a template, the swap of two environments' CNAMEs, and the
 * termination of the one left behind.
 */

/** An environment as a blue/green deploy sees it. */
export interface BeanstalkEnvironmentSummary {
  environmentId: string;
  environmentName: string;
  applicationName: string;
  /** Launching, Updating, Ready, Terminating, Terminated. */
  status: string;
  /** Green, Yellow, Red or Grey; null while Beanstalk reports none. */
  health: string | null;
  /** The environment's own host name; the swap exchanges it with another environment's. */
  cname: string;
  versionLabel: string | null;
}

/** CreateConfigurationTemplate from a running environment's settings. */
export interface ConfigurationTemplateRequest {
  applicationName: string;
  templateName: string;
  environmentId: string;
  description: string;
}

/** CreateEnvironment from a saved template with another application version. */
export interface CloneEnvironmentRequest {
  applicationName: string;
  environmentName: string;
  templateName: string;
  versionLabel: string;
  cnamePrefix: string;
}

/** An application version an environment ran, from when (Beanstalk's events name it). */
export interface DeployedVersion {
  versionLabel: string;
  at: Date;
}
