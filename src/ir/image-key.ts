/**
 * The image an event names, for correlations joined on the image (`joinOn: [image]`).
 *
 * A rule says where its events name an image (`imageKey`, a list of sources). Each source is one
 * portable regex with exactly one capturing group, anchored at the start of its field; the key is
 * that group of the first source that matches, or "" (no image: the event joins any). Because the
 * group is the whole normalisation, every target reads the key with one function it already has
 * (SPL `replace` guarded by `match`, KQL `extract`, JavaScript `exec`), and all three take the same
 * leftmost, greedy-first match of a pattern without lookaround or back-references (PCRE, RE2 and
 * ECMAScript agree on submatches of such patterns).
 *
 * The key is the image's repository: the reference without its tag or digest, `docker.io/`,
 * `index.docker.io/` and `library/` dropped (distribution/reference's familiar form), so `alpine`,
 * `docker.io/library/alpine:3.19` and `alpine@sha256:…` are one image, and a build tagged
 * `app:1.2` joins a run of `app:latest` or of `app@sha256:…`. A registry host stays part of the key
 * (`ghcr.io/acme/app` is not `acme/app`), with its port. Repository paths are lower-case by the
 * grammar, so the key is compared exactly.
 */
import type { CanonicalField, ImageKeySource } from '../model/types.js';
import { flagValuePrefix, IMAGE_WORD_START, imageWordPrefix } from './helpers.js';
import { PortableRegex } from './regex.js';

export interface ImageKeyCapture {
  readonly field: CanonicalField;
  /** Anchored at the start; group 1 is the key. */
  readonly regex: PortableRegex;
  /** What the source reads, for explanations. */
  readonly origin: string;
}

/**
 * The repository of a reference from its first character: optional `docker.io/` or
 * `index.docker.io/`, optional `library/`, then components up to the last one, which ends before a
 * tag (`:`), a digest (`@`), a blank or a quote. Greedy components make `localhost:5000/app:1`
 * read `localhost:5000/app` (the host's `:` is inside a component followed by `/`).
 */
export const IMAGE_REPOSITORY = `(?:docker\\.io/|index\\.docker\\.io/)?(?:library/)?((?:[^ \\t\\r\\n"'\\\\/]+/)*[^ \\t\\r\\n"'\\\\/:@]+)`;

const NONE: readonly string[] = [];

export function lowerImageKey(sources: readonly ImageKeySource[]): ImageKeyCapture[] {
  return sources.map((s): ImageKeyCapture => {
    if ('image' in s) {
      const g = s.image;
      const prefix = imageWordPrefix({
        words: g.words,
        optionsWithValue: g.optionsWithValue ?? NONE,
        booleanOptions: g.booleanOptions ?? NONE,
        subcommandOptionsWithValue: g.subcommandOptionsWithValue ?? NONE,
        subcommandBooleanOptions: g.subcommandBooleanOptions ?? NONE,
      });
      return { field: g.field, regex: PortableRegex.trusted(`${prefix}${IMAGE_WORD_START}${IMAGE_REPOSITORY}`, false), origin: `image of ${g.words.join('|')}` };
    }
    if ('flag' in s) {
      return { field: s.flag.field, regex: PortableRegex.trusted(`${flagValuePrefix(s.flag.names)}${IMAGE_REPOSITORY}`, false), origin: `value of ${s.flag.names.join('|')}` };
    }
    return { field: s.reference.field, regex: PortableRegex.trusted(`^[ \\t]*${IMAGE_WORD_START}${IMAGE_REPOSITORY}`, false), origin: `reference in ${s.reference.field}` };
  });
}

/**
 * The key of an event under a rule's sources: group 1 of the first source that matches, else "". A
 * field holding one of the profile's placeholders (`-`) is absent, as rule predicates read it.
 */
export function imageKeyOf(sources: readonly ImageKeyCapture[], event: Readonly<Record<string, unknown>>, placeholders: readonly string[] = []): string {
  for (const s of sources) {
    const v = event[s.field];
    if (typeof v !== 'string' || placeholders.includes(v)) continue;
    const m = s.regex.toJs(false).exec(v);
    if (m) return m[1]!;
  }
  return '';
}
