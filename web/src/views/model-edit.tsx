import { useEffect, useState } from 'preact/hooks';
import type { ModelRow } from '../../../domain/live/protocol.js';
import { annotate, downloadArtifact, removeAlias, setAlias } from '../model-actions.js';

/** One version's tags, description and aliases, edited as events; and its ONNX download. */
export function EditPanel({ row, onClose }: { row: ModelRow; onClose: () => void }) {
  const [description, setDescription] = useState(row.description);
  // a new version picked, or the log changed the description: show what the registry holds
  useEffect(() => setDescription(row.description), [row.version, row.description]);
  const canServe = row.stage !== 'failed' && row.artifactSha256 !== '';
  return (
    <div class="panel" data-testid="edit-panel">
      <div class="row" style="justify-content:space-between">
        <h3>v{row.version}: tags, description, aliases</h3>
        <div class="row">
          <button class="secondary" data-testid="download-artifact" disabled={!canServe} onClick={() => void downloadArtifact(row.version)}>
            Download ONNX
          </button>
          <button class="secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      <TagEditor row={row} />
      <h4 style="margin:10px 0 4px">Description</h4>
      <textarea data-testid="description" aria-label={`description of v${row.version}`} rows={3} style="width:100%" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      <div class="row">
        <button data-testid="description-save" disabled={description === row.description} onClick={() => void annotate(row.version, { description })}>
          Save description
        </button>
      </div>
      <AliasEditor row={row} canServe={canServe} />
    </div>
  );
}

/** A version's tags (remove), and a key and value to set one. */
function TagEditor({ row }: { row: ModelRow }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const addTag = async () => {
    if (key.trim() === '') return;
    if (await annotate(row.version, { setTags: { [key.trim()]: value } })) {
      setKey('');
      setValue('');
    }
  };
  return (
    <>
      <h4 style="margin:8px 0 4px">Tags</h4>
      <div class="chips" data-testid="edit-tags">
        {Object.entries(row.tags).length === 0 ? <span class="muted">none</span> : null}
        {Object.entries(row.tags).map(([k, v]) => (
          <span class="chip" data-testid={`tag-${k}`}>
            {k}={v}{' '}
            <button class="chip-x" aria-label={`remove tag ${k}`} onClick={() => void annotate(row.version, { removeTags: [k] })}>
              ×
            </button>
          </span>
        ))}
      </div>
      <div class="row" style="margin-top:6px">
        <label>
          key
          <input data-testid="tag-key" value={key} onInput={(e) => setKey(e.currentTarget.value)} placeholder="team" />
        </label>
        <label>
          value
          <input data-testid="tag-value" value={value} onInput={(e) => setValue(e.currentTarget.value)} placeholder="demand" />
        </label>
        <button data-testid="tag-add" onClick={() => void addTag()}>
          Set tag
        </button>
      </div>
    </>
  );
}

/** The aliases naming a version (remove), and a name to point at it (set or move). */
function AliasEditor({ row, canServe }: { row: ModelRow; canServe: boolean }) {
  const [alias, setAliasName] = useState('');
  const addAlias = async () => {
    if (alias.trim() !== '' && (await setAlias(alias.trim(), row.version))) setAliasName('');
  };
  return (
    <div>
        <h4 style="margin:10px 0 4px">Aliases</h4>
        <div class="chips" data-testid="edit-aliases">
          {row.stage === 'champion' ? <span class="chip alias">champion</span> : null}
          {row.aliases.map((a) => (
            <span class="chip alias" data-testid={`alias-${a}`}>
              {a}{' '}
              <button class="chip-x" aria-label={`remove alias ${a}`} onClick={() => void removeAlias(a)}>
                ×
              </button>
            </span>
          ))}
        </div>
        <div class="row" style="margin-top:6px">
          <label>
            alias (e.g. challenger, pinned)
            <input data-testid="alias-name" value={alias} onInput={(e) => setAliasName(e.currentTarget.value)} placeholder="challenger" />
          </label>
          <button data-testid="alias-set" disabled={!canServe} onClick={() => void addAlias()}>
            Point at v{row.version}
          </button>
        </div>
        <p class="muted">Predict and forecast answer with an alias on <code>?alias=NAME</code>; setting a name another version carries moves it here.</p>
    </div>
  );
}
