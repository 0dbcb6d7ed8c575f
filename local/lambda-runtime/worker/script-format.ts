import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Script } from 'node:vm';

/**
 * Whether a `.js` file of the bundle is an ES module or CommonJS, decided as Lambda decides it
 * with the bundle at /var/task: by the nearest package.json *inside the bundle* ("type"), and
 * without one by Node's syntax detection. Node's own lookup would climb out of the bundle to a
 * local package.json (this project's says "type": "module") that does not exist in Lambda.
 */
export function scriptFormat(file: string, codeDir: string): 'module' | 'commonjs' {
  for (let dir = dirname(file); !relative(codeDir, dir).startsWith('..'); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const type = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type;
      if (type === 'module') return 'module';
      if (type === 'commonjs') return 'commonjs';
      break;
    }
    if (dir === codeDir) break;
  }
  return looksLikeModule(readFileSync(file, 'utf8')) ? 'module' : 'commonjs';
}

// Node's detection: a file that fails to compile as CommonJS only because of ES module syntax is
// an ES module. Compiling (not running) a script is the cheap approximation of that test.
const MODULE_SYNTAX = /import|export|await/;

function looksLikeModule(source: string): boolean {
  try {
    new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`);
    return false;
  } catch (error) {
    return error instanceof SyntaxError && MODULE_SYNTAX.test(error.message);
  }
}
