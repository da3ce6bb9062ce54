/**
 * Tags and a description per model version (MLflow's version tags and
 * description), recorded as `model.annotations` events. An event is a patch
 * (tags set, tags removed, maybe a new description), so two people editing
 * different tags of one version both keep their change; the same key edited
 * twice keeps the later write in the log. The decider checks the rules; the
 * registry fold (state.ts) applies the patches with `applyAnnotation`.
 */
import { NotFoundError, UnprocessableError, ValidationError } from '../../lib/errors.js';
import { checked, refuse, isRefusal, type Refusal } from '../decider.js';
import type { ModelAnnotated } from '../../schemas/types.js';

/** A tag key: letters, digits and `_ . : -`, 1..64 characters. */
export const TAG_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
export const MAX_TAG_VALUE = 256;
export const MAX_TAGS = 32;
export const MAX_DESCRIPTION = 2000;

/** What a version carries besides its run: tags, a description, who changed them last and when. */
export interface Annotations {
  readonly tags: Readonly<Record<string, string>>;
  readonly description: string;
  readonly updatedBy: string;
  readonly updatedAt: number;
}

export const noAnnotations: Annotations = Object.freeze({ tags: Object.freeze({}), description: '', updatedBy: '', updatedAt: 0 });

/** Applies one patch. Re-applying the same event gives the same result (a redelivery changes nothing). */
export function applyAnnotation(a: Annotations | undefined, e: ModelAnnotated): Annotations {
  const tags: Record<string, string> = { ...(a?.tags ?? {}) };
  for (const k of e.removeTags) delete tags[k];
  Object.assign(tags, e.setTags);
  return { tags, description: e.description ?? a?.description ?? '', updatedBy: e.annotatedBy, updatedAt: e.annotatedAt };
}

/** Checks the tags of a patch (the contract's validator and the decider share it); throws ValidationError naming `<field>.<key>`. */
export function validateTags(setTags: unknown, removeTags: unknown, field = ''): { setTags: Record<string, string>; removeTags: string[] } {
  const at = (f: string) => (field ? `${field}.${f}` : f);
  if (setTags === null || typeof setTags !== 'object' || Array.isArray(setTags)) throw new ValidationError(at('setTags'), 'an object of tag key -> text', setTags);
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(setTags as Record<string, unknown>)) {
    if (!TAG_KEY.test(k)) throw new ValidationError(at(`setTags.${k}`), 'a key of 1..64 letters, digits or _ . : -', k);
    if (typeof v !== 'string' || v.length > MAX_TAG_VALUE) throw new ValidationError(at(`setTags.${k}`), `a text of at most ${MAX_TAG_VALUE} characters`, v);
    set[k] = v;
  }
  if (!Array.isArray(removeTags)) throw new ValidationError(at('removeTags'), 'a list of tag keys', removeTags);
  removeTags.forEach((k: unknown, i) => {
    if (typeof k !== 'string' || !TAG_KEY.test(k)) throw new ValidationError(at(`removeTags.${i}`), 'a key of 1..64 letters, digits or _ . : -', k);
    if (k in set) throw new ValidationError(at(`removeTags.${i}`), `a key not also set in the same change (${k})`, k);
  });
  return { setTags: set, removeTags: [...(removeTags as string[])] };
}

export interface AnnotateCommand {
  version: number;
  setTags?: Record<string, string>;
  removeTags?: string[];
  /** The new description ('' clears it); omitted: unchanged. */
  description?: string;
  by: string;
  at: number;
}

/** What the annotation decider needs to know of the registry (registryDecider in commands.ts builds it from the state). */
export interface AnnotationFacts {
  known(version: number): boolean;
  /** The version's annotations now (undefined: none yet). */
  current(version: number): Annotations | undefined;
}

/**
 * Decides an edit of a version's tags and description against the registry:
 * the version must be known, the change must change something and stay
 * within the bounds (MAX_TAGS tags, MAX_DESCRIPTION characters).
 */
export function decideAnnotation(cmd: AnnotateCommand, facts: AnnotationFacts): [{ type: 'annotated'; event: ModelAnnotated }] | Refusal {
  if (!facts.known(cmd.version)) return refuse(new NotFoundError(`model version ${cmd.version}`));
  const tags = checked(() => validateTags(cmd.setTags ?? {}, cmd.removeTags ?? []));
  if (isRefusal(tags)) return tags;
  const { setTags, removeTags } = tags;
  const description = cmd.description ?? null;
  if (description !== null && description.length > MAX_DESCRIPTION) return refuse(new ValidationError('description', `at most ${MAX_DESCRIPTION} characters`, description.length));
  if (Object.keys(setTags).length === 0 && removeTags.length === 0 && description === null) {
    // the documented shape, but nothing to record: the data cannot answer it (422), the shape was fine
    return refuse(new UnprocessableError('body', 'at least one of setTags, removeTags or description'));
  }
  const event: ModelAnnotated = { version: cmd.version, setTags, removeTags, description, annotatedBy: cmd.by, annotatedAt: cmd.at };
  const after = applyAnnotation(facts.current(cmd.version), event);
  if (Object.keys(after.tags).length > MAX_TAGS) return refuse(new UnprocessableError('setTags', `at most ${MAX_TAGS} tags per version (it would have ${Object.keys(after.tags).length})`));
  return [{ type: 'annotated', event }];
}
