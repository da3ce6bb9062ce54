/**
 * A loaded ONNX regressor: bytes in, one `session.run` per batch out. The
 * trainer uses it for the parity check; the gateway uses it for serving
 * (load, `warm()`, then swap it in), so the hot path stays a single native
 * call per batch and the input tensor wraps the caller's array without a copy.
 */
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { AppError, ValidationError, messageOf } from '../../../lib/errors.js';

export interface OnnxModelOptions {
  /** Threads one run may use; default 1 (the gateway scales by replicas and concurrent requests). */
  threads?: number;
  /** Expected input width; when set, a model with another width is refused at load. */
  cols?: number;
}

export class OnnxModel {
  /** Input columns per row. */
  readonly cols: number;
  /** sha256 (hex) of the bytes this model was loaded from. */
  readonly sha256: string;
  private readonly session: ort.InferenceSession;
  private readonly inputName: string;
  private readonly outputName: string;

  private constructor(session: ort.InferenceSession, cols: number, sha256: string) {
    this.session = session;
    this.cols = cols;
    this.sha256 = sha256;
    this.inputName = session.inputNames[0]!;
    this.outputName = session.outputNames[0]!;
  }

  /** Loads ONNX bytes; throws AppError 'ONNX_LOAD' when they are not a usable float-in, float-out model. */
  static async load(bytes: Uint8Array, opts: OnnxModelOptions = {}): Promise<OnnxModel> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: opts.threads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new AppError('ONNX_LOAD', `ONNX model ${sha256.slice(0, 12)} (${bytes.length} bytes) cannot be loaded: ${messageOf(err)}`, { cause: err });
    }
    const input = session.inputMetadata[0];
    const width = input && input.isTensor ? input.shape[1] : undefined;
    if (!input || !input.isTensor || input.type !== 'float32' || typeof width !== 'number' || session.outputNames.length === 0) {
      await session.release();
      throw new AppError('ONNX_LOAD', `ONNX model ${sha256.slice(0, 12)}: expected one float32 input [N, cols] and an output`);
    }
    if (opts.cols !== undefined && opts.cols !== width) {
      await session.release();
      throw new AppError('ONNX_LOAD', `ONNX model ${sha256.slice(0, 12)} takes ${width} features, expected ${opts.cols}`);
    }
    return new OnnxModel(session, width, sha256);
  }

  /** Scores `rows` row-major rows of X (rows x cols, NaN = missing) in one run; one float per row. */
  async predict(X: Float32Array, rows = X.length / this.cols): Promise<Float32Array> {
    if (!Number.isInteger(rows) || rows < 0 || X.length !== rows * this.cols) {
      throw new ValidationError('X', `rows x ${this.cols} float32 values`, X.length);
    }
    if (rows === 0) return new Float32Array(0);
    const input = new ort.Tensor('float32', X, [rows, this.cols]);
    const out = await this.session.run({ [this.inputName]: input });
    const t = out[this.outputName];
    if (!t || !(t.data instanceof Float32Array) || t.data.length !== rows) {
      throw new AppError('ONNX_OUTPUT', `ONNX model ${this.sha256.slice(0, 12)} returned ${t?.data.length ?? 0} values for ${rows} rows`);
    }
    return t.data;
  }

  /** Runs a small batch once so the first real request does not pay for lazy initialisation. */
  async warm(rows = 8): Promise<void> {
    await this.predict(new Float32Array(rows * this.cols).fill(Number.NaN), rows);
  }

  /** Frees the native session; the model cannot be used afterwards. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
