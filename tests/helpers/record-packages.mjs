// node --import this-file: print each package (bare specifier) the process imports, as `package: <name>` lines on
// stderr, so a test can see what a command really loads. Node's module hooks run on their own thread.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (!/^(node:|[./]|file:|data:)/.test(specifier)) writeSync(2, 'package: ' + specifier + '\\n');
  return next(specifier, context);
}`)}`,
);
