import type { ResourceLimits } from 'node:worker_threads';
import type { NodeOptions } from './node-options.ts';

/**
 * The V8 heap the function's memory gives it, sized as the Node.js runtime's bootstrap sizes node's
 * (/var/runtime/bootstrap: semi-space 5 % and old space 90 % of AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
 * unless NODE_OPTIONS sets them). V8's young generation is three semi-spaces. Lambda kills the whole
 * sandbox at MemorySize; here the worker dies when its heap is full, which is most of that memory.
 */
export function heapLimits(memorySizeMb: number, options: NodeOptions): ResourceLimits {
  const semiSpaceMb = options.maxSemiSpaceSizeMb ?? Math.max(1, Math.floor((memorySizeMb * 5) / 100));
  return {
    maxOldGenerationSizeMb: options.maxOldSpaceSizeMb ?? Math.floor((memorySizeMb * 90) / 100),
    maxYoungGenerationSizeMb: 3 * semiSpaceMb,
  };
}
