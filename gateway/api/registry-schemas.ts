/**
 * Request and response shapes of the registry's inspection and editing
 * routes (curves, importance, artifact download, tags and description,
 * aliases), as zod schemas the routes validate with and the OpenAPI
 * document is generated from.
 */
import { z } from 'zod';
import { ALIAS, MAX_ALIASES } from '../../domain/registry/aliases.js';
import { MAX_DESCRIPTION, MAX_TAG_VALUE, MAX_TAGS, TAG_KEY } from '../../domain/registry/annotations.js';

/** Most versions one comparison draws. */
export const MAX_COMPARE = 10;

const AliasName = z.string().regex(ALIAS, { error: 'an alias name: a lower-case letter, then up to 31 of a-z, 0-9, _ or -' });

export const CompareQuery = z.strictObject({
  versions: z
    .string()
    .regex(new RegExp(`^[1-9]\\d{0,8}(,[1-9]\\d{0,8}){0,${MAX_COMPARE - 1}}$`), { error: `1..${MAX_COMPARE} model versions separated by commas, e.g. 3,5,8` })
    .describe(`1..${MAX_COMPARE} model versions separated by commas, e.g. 3,5,8`),
  top: z.coerce.number<string>().pipe(z.int().min(1).max(100)).optional().describe('how many features the importance columns keep (default 15)'),
});

const Curve = z.object({ version: z.int(), split: z.enum(['train', 'valid']), values: z.array(z.number().nullable()).describe('aligned with `rounds`; null where this version has no value') });

export const CompareResponse = z
  .object({
    versions: z.array(z.int()),
    metric: z.string().describe('the eval metric of the curves (mae on the normalized target); empty when no version has curves'),
    rounds: z.array(z.int()).describe('x column: every boosting round any version kept (1-based)'),
    curves: z.array(Curve).describe('training and validation curves, one column per version and split'),
    runs: z.array(z.object({ version: z.int(), bestRound: z.int().nullable(), totalRounds: z.int().nullable() })).describe('null rounds: the run recorded no curves (older or failed run)'),
    importance: z.object({
      features: z.array(z.string()).describe('features by mean share of gain across the versions, highest first'),
      versions: z.array(z.object({ version: z.int(), gain: z.array(z.number()), share: z.array(z.number()).describe('gain / the version\'s total gain') })),
    }),
  })
  .meta({ id: 'CompareResponse' });

export const Artifact = z.string().describe('the ONNX model bytes (input "features": float32 [n, FEATURE_COUNT]; output: the normalized target)');

const Tags = z.record(z.string().regex(TAG_KEY), z.string().max(MAX_TAG_VALUE));

export const AnnotateBody = z.strictObject({
  setTags: Tags.optional().describe(`tags to add or replace (keys of 1..64 letters, digits or _ . : -; values up to ${MAX_TAG_VALUE} characters; at most ${MAX_TAGS} per version)`),
  removeTags: z.array(z.string().regex(TAG_KEY)).max(MAX_TAGS).optional().describe('tag keys to remove'),
  description: z.string().max(MAX_DESCRIPTION).optional().describe('the new description (an empty text clears it; omitted: unchanged)'),
});

export const AnnotationsResponse = z
  .object({ version: z.int(), tags: z.record(z.string(), z.string()), description: z.string(), updatedBy: z.string(), updatedAt: z.number() })
  .meta({ id: 'AnnotationsResponse' });

export const AliasParams = z.strictObject({ alias: AliasName.describe('alias name (not "champion": the champion changes by promotion)') });

const ExpectedVersion = z
  .int()
  .min(1)
  .nullable()
  .optional()
  .describe('the version the alias names now (null: it does not exist); default what the gateway reads from the log. Another answers 409');

export const SetAliasBody = z.strictObject({
  version: z.int().min(1).describe('the version the alias will name'),
  reason: z.string().max(500).optional(),
  expectedVersion: ExpectedVersion,
});
export const RemoveAliasBody = z.strictObject({ reason: z.string().max(500).optional(), expectedVersion: ExpectedVersion });

export const AliasChangeResponse = z
  .object({ alias: z.string(), version: z.int().nullable().describe('null: removed'), previousVersion: z.int().nullable() })
  .meta({ id: 'AliasChangeResponse' });

export const AliasesResponse = z
  .object({
    champion: z.int().nullable(),
    aliases: z.array(z.object({ alias: z.string(), version: z.int(), loaded: z.boolean().describe('whether this gateway has its model loaded') })),
    max: z.literal(MAX_ALIASES),
  })
  .meta({ id: 'AliasesResponse' });

/** `?alias=` on predict and forecast: which named model answers (default the champion). */
export const AliasQuery = AliasName.or(z.literal('champion')).optional().describe('the model to answer with: an alias such as challenger or pinned (GET /v1/aliases), default champion');
