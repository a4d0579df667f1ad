// expressions/: "[...]" template strings parsed to Expr and compiled to Evaluator closures, plus the
// evaluateExpression helper.
export * from './types.js';
export { classifyTemplateString, isTemplateExpression, parseExpression, type ParseResult } from './parse.js';
export { compileExpression, compileTemplateValue, readIndex, readProperty } from './compile.js';
export { evaluateExpression, type EvaluateExpressionContext } from './evaluate.js';
