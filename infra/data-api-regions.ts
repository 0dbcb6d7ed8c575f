import { Token } from 'aws-cdk-lib';
import type { PropsProblems } from './props-problems.ts';

/**
 * Regions whose row in AWS's "Supported Regions and Aurora DB engines for RDS Data API" table reads
 * "Not available" for every Aurora PostgreSQL version (Serverless v2 and provisioned), as read on
 * DATA_API_REGIONS_READ_ON. A region that gains the Data API leaves this list; one AWS adds without
 * it must be added here. Every other commercial region the table lists offers it.
 */
export const REGIONS_WITHOUT_DATA_API: Readonly<Record<string, string>> = {
  'ap-south-2': 'Asia Pacific (Hyderabad)',
  'ap-southeast-4': 'Asia Pacific (Melbourne)',
  'ap-southeast-6': 'Asia Pacific (New Zealand)',
};

export const DATA_API_REGIONS_SOURCE =
  'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature.Data_API.html';
export const DATA_API_REGIONS_READ_ON = '2026-12-03';

/**
 * Fails the synth when the stack would deploy to a region without the Data API: every function of
 * the journal reaches the database only through it, so such a stack would deploy and never work.
 * An environment-agnostic stack has no region at synth; `region` is then the one the CDK CLI
 * deploys to (CDK_DEFAULT_REGION, passed by infra/app.ts), and nothing is checked without it.
 */
export function checkDataApiRegion(region: string | undefined, problems: PropsProblems): void {
  if (region === undefined || Token.isUnresolved(region)) return;
  const name = REGIONS_WITHOUT_DATA_API[region];
  if (name === undefined) return;
  problems.add(
    'region',
    `${region} (${name}) does not offer the RDS Data API for Aurora PostgreSQL, which every function of the journal uses ` +
      `(AWS's table as read on ${DATA_API_REGIONS_READ_ON}: ${DATA_API_REGIONS_SOURCE}); deploy to another region`,
  );
}
