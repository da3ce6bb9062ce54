import assert from 'node:assert/strict';
import { it } from 'node:test';
import { REVOKE_AFTER_MS, saveBlob, type DownloadEnv } from './download.js';

it('saveBlob clicks a temporary link to a Blob URL named as asked, removes it, and revokes the URL only after 10 s', () => {
  const events: string[] = [];
  const link = { href: '', download: '', click: () => events.push('click'), remove: () => events.push('remove') };
  let later: (() => void) | null = null;
  const env = {
    document: { createElement: () => link, body: { append: () => events.push('append') } },
    URL: { createObjectURL: () => 'blob:1', revokeObjectURL: (u: string) => events.push(`revoke ${u}`) },
    setTimeout: (f: () => void, ms: number) => {
      events.push(`timer ${ms}`);
      later = f;
    },
  } as unknown as DownloadEnv;
  saveBlob(new Blob(['a,b\r\n']), 'runs.csv', env);
  assert.equal(link.href, 'blob:1');
  assert.equal(link.download, 'runs.csv');
  assert.deepEqual(events, ['append', 'click', 'remove', `timer ${REVOKE_AFTER_MS}`]);
  assert.equal(REVOKE_AFTER_MS, 10_000);
  later!();
  assert.equal(events.at(-1), 'revoke blob:1');
});
