// Validates an AsyncAPI document with the AsyncAPI project's own parser (@asyncapi/parser).
// Usage: node tools/asyncapi/validate.mjs schemas/asyncapi.yaml — exit 1 on any error.
import { Parser, fromFile } from '@asyncapi/parser';

const path = process.argv[2] ?? 'schemas/asyncapi.yaml';
const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, path).parse();
const errors = diagnostics.filter((d) => d.severity === 0);
for (const d of diagnostics) {
  const level = ['error', 'warning', 'info', 'hint'][d.severity];
  console.log(`${level}: ${d.message} at ${d.path.join('.') || '/'}`);
}
if (!document || errors.length) {
  console.error(`${path}: ${errors.length} error(s)`);
  process.exit(1);
}
console.log(`${path}: valid AsyncAPI ${document.version()}, ${document.channels().length} channels, ` +
            `${document.allMessages().length} messages`);
