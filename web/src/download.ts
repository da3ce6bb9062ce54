/**
 * The one Blob download of the dashboard (CSV tables, ONNX artifacts): a Blob
 * URL on a temporary link, clicked, then revoked once the browser has had
 * time to start reading it (a large artifact may not have started by the
 * next turn, so not at once).
 */

/** How long the Blob URL is kept after the click (ms). */
export const REVOKE_AFTER_MS = 10_000;

export interface DownloadEnv {
  document: Pick<Document, 'createElement' | 'body'>;
  URL: Pick<typeof URL, 'createObjectURL' | 'revokeObjectURL'>;
  setTimeout(f: () => void, ms: number): unknown;
}

/** Offers `blob` as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string, env: DownloadEnv = { document, URL, setTimeout: (f, ms) => setTimeout(f, ms) }): void {
  const url = env.URL.createObjectURL(blob);
  const a = env.document.createElement('a');
  a.href = url;
  a.download = filename;
  env.document.body.append(a);
  a.click();
  a.remove();
  env.setTimeout(() => env.URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
