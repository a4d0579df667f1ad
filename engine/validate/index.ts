// validate/: authoring checks of definitions, initiatives, assignments and exemptions (schema, compile and semantic findings).
export { validateSources, type ValidationSource, type ValidateOptions, type ValidationResult, type ValidatedDocument } from './validate.js';
export { formatValidation, formatValidationText, formatValidationJson, buildValidationSarif, VALIDATE_FORMATS, type ValidateFormat } from './format.js';
export { checkDefinition, checkConditions, ruleTypes, possibleEffects, referencedParameters } from './checks.js';
