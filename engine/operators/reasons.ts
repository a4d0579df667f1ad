// Azure's compliance-reason sentences (MicrosoftDocs how-to/determine-non-compliance.md; digest §2.5), verbatim.
// Each sentence names what the condition requires: the row "equals, or not notEquals" is REASONS.equals.

export const REASONS = Object.freeze({
  containsKey: 'Current value must contain the target value as a key.',
  contains: 'Current value must contain the target value.',
  equals: 'Current value must be equal to the target value.',
  less: 'Current value must be less than the target value.',
  greaterOrEquals: 'Current value must be greater than or equal to the target value.',
  greater: 'Current value must be greater than the target value.',
  lessOrEquals: 'Current value must be less than or equal to the target value.',
  exists: 'Current value must exist.',
  in: 'Current value must be in the target value.',
  like: 'Current value must be like the target value.',
  match: 'Current value must case-sensitive match the target value.',
  matchInsensitively: 'Current value must case-insensitive match the target value.',
  notContainsKey: 'Current value must not contain the target value as a key.',
  notContains: 'Current value must not contain the target value.',
  notEquals: 'Current value must not be equal to the target value.',
  notExists: 'Current value must not exist.',
  notIn: 'Current value must not be in the target value.',
  notLike: 'Current value must not be like the target value.',
  notMatch: 'Current value must not case-sensitive match the target value.',
  notMatchInsensitively: 'Current value must not case-insensitive match the target value.',
});

/** The AINE/DINE sentence when no related resource satisfied the existence check. */
export const NO_RELATED_REASON = 'No related resources match the effect details in the policy definition.';
