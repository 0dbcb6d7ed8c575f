import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// package.json's `engines` must say which Node runs this project: its code is TypeScript run by Node
// itself (cdk.json's `node infra/app.ts`, the npm scripts, the CLI), so the oldest Node it names must
// strip types by default — 22.18 on 22, 23.6 on 23, every 24+.
const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

type Version = readonly [number, number, number];
const parse = (text: string): Version => {
  const [major = 0, minor = 0, patch = 0] = text.replace(/^v/, '').split('.').map(Number);
  return [major, minor, patch];
};
const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** npm's range semantics for the forms `engines` uses here: `^x.y.z` and `>=x.y.z`, joined by `||`. */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((part) => {
    const comparator = part.trim();
    if (comparator.startsWith('>=')) return compare(version, parse(comparator.slice(2))) >= 0;
    if (comparator.startsWith('^')) {
      const floor = parse(comparator.slice(1));
      return compare(version, floor) >= 0 && version[0] === floor[0];
    }
    throw new Error(`engines.node uses a form this test does not read: ${comparator}`);
  });
}

const stripsTypesByDefault = ([major, minor]: Version): boolean =>
  major >= 24 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);

describe("package.json's engines", () => {
  it('admits exactly the Node versions that run TypeScript files directly', () => {
    for (let major = 18; major <= 26; major++) {
      for (let minor = 0; minor <= 24; minor++) {
        const version: Version = [major, minor, 0];
        expect([version.join('.'), satisfies(version, pkg.engines.node)]).toEqual([
          version.join('.'),
          stripsTypesByDefault(version),
        ]);
      }
    }
  });

  it('admits the pinned Node of the npm scripts and the Lambda runtime of the functions', () => {
    expect(satisfies(parse(pkg.devDependencies.node ?? ''), pkg.engines.node)).toBe(true);
    const runtime = /Runtime\.NODEJS_(\d+)_X/.exec(
      readFileSync(join(ROOT, 'infra', 'journal-function.ts'), 'utf8'),
    );
    expect(runtime?.[1]).toBeDefined();
    expect(satisfies([Number(runtime?.[1]), 0, 0], pkg.engines.node)).toBe(true);
  });

  it('is not undercut by code that needs a newer Node: no entry point relies on import.meta.main (24.2+)', () => {
    const offenders: string[] = [];
    for (const folder of ['bench', 'bin', 'infra', 'lib', 'local', 'scripts', 'functions']) {
      for (const entry of readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })) {
        if (!/\.(ts|mjs)$/.test(entry)) continue;
        if (readFileSync(join(ROOT, folder, entry), 'utf8').includes('import.meta.main')) {
          offenders.push(join(folder, entry));
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
