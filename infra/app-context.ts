import { Duration, type Stack } from 'aws-cdk-lib';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import type { JournalApiAuthorization } from './journal-api.ts';
import type { JournalServiceProps } from './journal-service.ts';

/** Reads one context value (cdk.json or `-c name=value`); undefined when absent or blank. */
export type ContextReader = (name: string) => string | undefined;

/**
 * The origins `dev` allows when `corsOrigins` is not given: the Hive UI's dev server on this
 * machine (Vite's dev and preview ports), so a UI started locally can call a dev stack.
 */
export const DEV_CORS_ORIGINS = [
  'http://localhost:5173',
  'http://127.0.0.1:5173',
  'http://localhost:4173',
  'http://127.0.0.1:4173',
];

/** Bad context: the message names every problem, as the props' own validation does. */
export class InvalidContextError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid context — ${problems.join('; ')}`);
    this.problems = problems;
    this.name = 'InvalidContextError';
  }
}

const AUTH_KEYS = {
  iam: [],
  jwt: [
    'jwtIssuer',
    'jwtAudience',
    'jwtClientIds',
    'jwtJwksUri',
    'jwtPermissionsClaim',
    'jwtClockToleranceSeconds',
    'authCacheTtlSeconds',
    'readScopes',
    'writeScopes',
  ],
  cognito: ['cognitoUserPoolIds', 'readScopes', 'writeScopes'],
} as const;

/**
 * The app's context as service props (infra/app.ts documents each key). Values are checked here
 * only for their form; JournalService checks what they mean, and both name every problem.
 */
export function servicePropsFromContext(read: ContextReader, stack: Stack): JournalServiceProps {
  const problems: string[] = [];
  const stage = read('stage') ?? 'dev';
  const dev = stage === 'dev';
  const given = read('corsOrigins');
  const corsOrigins = given === undefined ? (dev ? DEV_CORS_ORIGINS : []) : listOf(given);
  const alarmEmail = read('alarmEmail');
  const auth = read('auth') ?? 'iam';
  let authorization: JournalApiAuthorization = { kind: 'iam' };
  if (!(auth in AUTH_KEYS)) {
    problems.push(`auth must be iam, cognito or jwt (got ${auth})`);
  } else {
    const kind = auth as keyof typeof AUTH_KEYS;
    for (const other of new Set(Object.values(AUTH_KEYS).flat())) {
      if (read(other) !== undefined && !(AUTH_KEYS[kind] as readonly string[]).includes(other)) {
        problems.push(`${other} does not apply to auth=${kind}`);
      }
    }
    const required = (name: string) => {
      const value = read(name);
      if (value === undefined) problems.push(`${name} is required with auth=${kind}`);
      return value ?? '';
    };
    const seconds = (name: string) => {
      const value = read(name);
      if (value === undefined) return undefined;
      if (!/^\d+$/.test(value)) problems.push(`${name} must be whole seconds (got ${value})`);
      return Duration.seconds(Number(value));
    };
    if (kind === 'jwt') {
      const clockTolerance = seconds('jwtClockToleranceSeconds');
      const cacheTtl = seconds('authCacheTtlSeconds');
      const jwksUri = read('jwtJwksUri');
      const permissionsClaim = read('jwtPermissionsClaim');
      authorization = {
        kind: 'jwt',
        issuer: required('jwtIssuer'),
        audience: listOf(read('jwtAudience') ?? ''),
        clientIds: listOf(read('jwtClientIds') ?? ''),
        readScopes: listOf(required('readScopes')),
        writeScopes: listOf(required('writeScopes')),
        ...(jwksUri === undefined ? {} : { jwksUri }),
        ...(permissionsClaim === undefined ? {} : { permissionsClaim }),
        ...(clockTolerance === undefined ? {} : { clockTolerance }),
        ...(cacheTtl === undefined ? {} : { cacheTtl }),
      };
    } else if (kind === 'cognito') {
      const poolIds = listOf(required('cognitoUserPoolIds'));
      for (const id of poolIds) {
        if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(id))
          problems.push(`cognitoUserPoolIds: ${id} is not a user pool id`);
      }
      authorization = {
        kind: 'cognito',
        userPools: poolIds.map((id, i) => UserPool.fromUserPoolId(stack, `ApiUserPool${i}`, id)),
        readScopes: listOf(required('readScopes')),
        writeScopes: listOf(required('writeScopes')),
      };
    }
  }
  const grafanaUrl = read('grafanaUrl');
  const grafanaDashboardUid = read('grafanaDashboardUid');
  const consoleLinks = read('consoleLinks');
  const traceLogGroups = read('traceLogGroups');
  if (consoleLinks !== undefined && !['true', 'false'].includes(consoleLinks)) {
    problems.push(`consoleLinks must be true or false (got ${consoleLinks})`);
  }
  if (traceLogGroups !== undefined && consoleLinks !== 'true') {
    problems.push('traceLogGroups needs consoleLinks=true');
  }
  const links = {
    ...(grafanaUrl === undefined ? {} : { grafanaUrl }),
    ...(grafanaDashboardUid === undefined ? {} : { grafanaDashboardUid }),
    ...(consoleLinks === 'true' ? { awsConsole: { traceLogGroupNames: listOf(traceLogGroups ?? '') } } : {}),
  };
  if (problems.length > 0) throw new InvalidContextError(problems);
  return {
    dev,
    ...(dev ? { database: { minCapacity: 0 } } : {}),
    api: { corsOrigins, authorization, ...(Object.keys(links).length > 0 ? { links } : {}) },
    observability: { alarmEmails: alarmEmail ? [alarmEmail] : [] },
  };
}

function listOf(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
