import { createHash } from 'node:crypto';

/**
 * Names as CloudFormation generates them for resources whose template gives none
 * (`<stack>-<logicalId>-<suffix>`, cut to the service's length limit), but with a suffix that is a
 * hash of stack and logical id instead of random: a restart of the local cloud finds its queues,
 * functions and data under the same names.
 */
export function generatedName(stackName: string, logicalId: string, maxLength: number): string {
  const suffix = stableToken(`${stackName}/${logicalId}`, 12).toUpperCase();
  const head = `${stackName}-${logicalId}`.slice(0, maxLength - suffix.length - 1);
  return `${head}-${suffix}`;
}

/** A lower-case alphanumeric token derived from `seed` (API ids, resource ids, ARN suffixes). */
export function stableToken(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(digest.subarray(0, length), (byte) => alphabet[byte % alphabet.length]).join('');
}
