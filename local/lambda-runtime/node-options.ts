/** What a function's NODE_OPTIONS asks of the local runtime. */
export interface NodeOptions {
  readonly sourceMaps: boolean;
  readonly maxOldSpaceSizeMb?: number;
  readonly maxSemiSpaceSizeMb?: number;
}

const HEAP_FLAG = /^--max[-_](old|semi)[-_]space[-_]size=(\d+)$/;

/**
 * Reads NODE_OPTIONS as the Node.js runtime's node would. A worker thread is not a node process:
 * Node applies the per-environment options of its env's NODE_OPTIONS (--enable-source-maps among
 * them) but silently ignores V8's and the process's, the heap sizes among them. So only what is
 * known to take effect is accepted: --enable-source-maps (also set with process.setSourceMapsEnabled,
 * not to depend on that) and the heap sizes, which become the worker's resourceLimits (Lambda's
 * bootstrap leaves them to NODE_OPTIONS when set). Any other flag stops the start, rather than
 * being dropped without a word.
 */
export function parseNodeOptions(functionName: string, value: string | undefined): NodeOptions {
  let sourceMaps = false;
  let maxOldSpaceSizeMb: number | undefined;
  let maxSemiSpaceSizeMb: number | undefined;
  const refused: string[] = [];
  for (const flag of (value ?? '').split(/\s+/).filter(Boolean)) {
    const heap = HEAP_FLAG.exec(flag);
    if (flag === '--enable-source-maps') sourceMaps = true;
    else if (heap?.[1] === 'old') maxOldSpaceSizeMb = Number(heap[2]);
    else if (heap?.[1] === 'semi') maxSemiSpaceSizeMb = Number(heap[2]);
    else refused.push(flag);
  }
  if (refused.length > 0) {
    throw new Error(
      `${functionName}: NODE_OPTIONS ${refused.join(' ')} cannot be applied locally: each function runs in a worker thread, which does not take every node flag (supported: --enable-source-maps, --max-old-space-size, --max-semi-space-size)`,
    );
  }
  return {
    sourceMaps,
    ...(maxOldSpaceSizeMb === undefined ? {} : { maxOldSpaceSizeMb }),
    ...(maxSemiSpaceSizeMb === undefined ? {} : { maxSemiSpaceSizeMb }),
  };
}
