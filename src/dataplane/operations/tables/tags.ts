/**
 * Tag rules shared by CreateTable and TagResource.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TaggingRestrictions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Tag.html
 * The restrictions are documented, AWS's exact wording for breaking them is not: the messages
 * below follow AWS's "One or more parameter values were invalid" form.
 */
import { type Constraints, invalidParameters, member, structures } from './validation.js';

export const maxTagsPerResource = 50;
const reservedPrefix = 'aws:';
/** Letters, digits and white space in any language, plus + - = . _ : / @. */
const tagCharacters = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export interface TagInput {
  Key?: string;
  Value?: string;
}

export function readTags(input: unknown): TagInput[] | undefined {
  return structures(input, 'Tags')?.map((tag) => ({
    Key: member(tag, 'Key', 'string'),
    Value: member(tag, 'Value', 'string'),
  }));
}

export function checkTags(constraints: Constraints, tags: TagInput[] | undefined, required: boolean): void {
  if (required && !constraints.required('tags', tags)) return;
  tags?.forEach((tag, position) => {
    const path = `tags.${position + 1}.member`;
    if (constraints.required(`${path}.key`, tag.Key)) constraints.length(`${path}.key`, tag.Key, 1, 128);
    if (constraints.required(`${path}.value`, tag.Value))
      constraints.length(`${path}.value`, tag.Value, 0, 256);
  });
}

/** The first broken tag rule of tags to add, given the tags already on the resource. */
export function tagsProblem(
  tags: readonly TagInput[],
  existing: Readonly<Record<string, string>>,
): string | undefined {
  for (const { Key: key = '', Value: value = '' } of tags) {
    if (key.startsWith(reservedPrefix)) {
      return `${invalidParameters}Tag keys starting with the prefix "${reservedPrefix}" are reserved for AWS use: ${key}`;
    }
    if (!tagCharacters.test(key) || !tagCharacters.test(value)) {
      return `${invalidParameters}Tag key or value contains characters that are not allowed: ${key}`;
    }
  }
  const merged = new Set([...Object.keys(existing), ...tags.map((tag) => tag.Key ?? '')]);
  if (merged.size > maxTagsPerResource) {
    return `${invalidParameters}The number of tags on the resource would exceed the limit of ${maxTagsPerResource}`;
  }
  return undefined;
}

export function applyTags(
  existing: Readonly<Record<string, string>>,
  tags: readonly TagInput[],
): Record<string, string> {
  const result = { ...existing };
  for (const tag of tags) result[tag.Key ?? ''] = tag.Value ?? '';
  return result;
}
