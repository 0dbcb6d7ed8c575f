import { LOCAL_ACCOUNT_ID } from './sqs/queue-store.ts';

/** The account and region the local cloud is (LocalStack's defaults: 000000000000, us-east-1). */
export interface LocalAccount {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

export const LOCAL_ACCOUNT: LocalAccount = {
  accountId: LOCAL_ACCOUNT_ID,
  region: 'us-east-1',
  partition: 'aws',
};
