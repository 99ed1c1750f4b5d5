import type {
  DataType,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
  TypedArray,
} from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/*
 * Why: tfjs-backend-wasm's Slice kernel (4.22) first copies its WHOLE input out of the wasm heap
 * into a fresh JavaScript array (`readSync`) and then copies the slice from that copy. Our
 * policies split their flat parameter vector into layer tensors (`unpackParams`: one slice per
 * tensor) on every forward pass, so each pass copied the 19,596-entry vector of the 128-128
 * locomotion policy six times: ~470 MB of short-lived ArrayBuffers per two-task MAML-TRPO
 * iteration. V8 answers that external-memory pressure with a scavenge AND a full mark-compact
 * every ~0.2 s per worker, and the concurrent marking runs on background threads, which with
 * one worker per core take CPU from the workers. A contiguous slice (every slice of a 1-D
 * vector, every block of whole rows) is one copy straight from the heap; any other slice still
 * runs tfjs's own kernel. Values are bit-identical: both paths copy the same floats.
 */

/** The two methods of tfjs-backend-wasm's backend this kernel uses (typed here, not imported). */
interface WasmHeap {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): TypedArray;
}

const installed = new WeakSet<KernelFunc>();

function contiguousSlice(original: KernelFunc): KernelFunc {
  const fast: KernelFunc = (args) => {
    const x = (args.inputs as { x: TensorInfo }).x;
    const { begin, size } = args.attrs as NamedAttrMap & {
      begin: number | number[];
      size?: number | number[];
    };
    if (x.dtype === 'string') return original(args);
    const [begin_, size_] = tf.slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
    if (!tf.slice_util.isSliceContinous(x.shape, begin_, size_)) return original(args);
    const heap = args.backend as unknown as WasmHeap;
    // the output first: allocating can grow the wasm memory, which detaches views taken before
    const out = heap.makeOutput(size_, x.dtype);
    const n = tf.util.sizeFromShape(size_);
    if (n > 0) {
      const from = tf.slice_util.computeFlatOffset(begin_, tf.util.computeStrides(x.shape));
      heap.typedArrayFromHeap(out).set(heap.typedArrayFromHeap(x).subarray(from, from + n));
    }
    return out;
  };
  installed.add(fast);
  return fast;
}

/**
 * Replaces the wasm backend's `Slice` kernel with one that copies contiguous slices straight
 * from the wasm heap (see the comment above). Idempotent; a no-op when the wasm backend's
 * kernels are not registered. `selectBackend('wasm')` calls it.
 */
export function installContiguousWasmSlice(): void {
  const kernel = tf.getKernel('Slice', 'wasm');
  if (!kernel || installed.has(kernel.kernelFunc)) return;
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({ ...kernel, kernelFunc: contiguousSlice(kernel.kernelFunc) });
}
