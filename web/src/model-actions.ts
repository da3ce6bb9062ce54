/**
 * The Models view's writes and downloads: tags and description, aliases,
 * and the ONNX artifact. Writes go through `write` (token prompt, the
 * gateway's own error words); the download is fetched with the token when
 * one is set, so it works when reads are closed too.
 */
import { ApiError, api, token } from './api.js';
import { say, write } from './actions.js';
import { saveBlob } from './download.js';
import type { CompareColumns } from './api-types.js';

export type { CompareColumns };

/** The columns the gateway prepares for N versions (curves on one round axis, importance on one feature axis). */
export function fetchCompare(versions: readonly number[]): Promise<CompareColumns> {
  return api<CompareColumns>('GET', `/v1/models/compare?versions=${versions.join(',')}&top=12`);
}

/** Sets and removes tags and sets the description of a version (one model.annotations event). */
export async function annotate(version: number, patch: { setTags?: Record<string, string>; removeTags?: string[]; description?: string }): Promise<boolean> {
  const r = await write<{ tags: Record<string, string> }>(`/v1/models/${version}/annotations`, patch);
  if (r) say(`v${version}: tags and description saved`);
  return r !== null;
}

export async function setAlias(alias: string, version: number): Promise<boolean> {
  const r = await write<{ alias: string; version: number }>(`/v1/aliases/${encodeURIComponent(alias)}`, { version, reason: 'set from the dashboard' });
  if (r) say(`Alias ${r.alias} now names v${r.version}`);
  return r !== null;
}

export async function removeAlias(alias: string): Promise<boolean> {
  const r = await write<{ alias: string }>(`/v1/aliases/${encodeURIComponent(alias)}/remove`, { reason: 'removed from the dashboard' });
  if (r) say(`Alias ${r.alias} removed`);
  return r !== null;
}

/** Downloads a version's ONNX file under the name the gateway gives it. */
export async function downloadArtifact(version: number): Promise<void> {
  const headers: Record<string, string> = {};
  const t = token.get();
  if (t) headers.authorization = `Bearer ${t}`;
  try {
    const res = await fetch(`/v1/models/${version}/artifact`, { headers });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new ApiError(res.status, body?.error?.message ?? `HTTP ${res.status}`);
    }
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `model-v${version}.onnx`;
    saveBlob(await res.blob(), name);
  } catch (err) {
    say(err instanceof Error ? err.message : String(err), true);
  }
}
