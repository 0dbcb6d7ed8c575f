/**
 * Whether `arn` matches an IAM-style ARN pattern, where `*` stands for any run of characters (slashes
 * and colons included) and `?` for any one character, as in policy Resource elements and in a Lambda
 * permission's SourceArn ("IAM JSON policy elements: Resource", "Using wildcards in resource ARNs").
 */
export function arnMatches(pattern: string, arn: string): boolean {
  const source = [...pattern]
    .map((character) =>
      character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[.+^${}()|[\]\\/]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 's').test(arn);
}
