/**
 * Tests that use BackstageToken.fromValue on purpose make the library print
 * its synth-time warning about a plain-text token. Those lines are expected,
 * and would read like real problems in the test output, so they are kept out
 * of it. The tests that are about the warning spy on stderr themselves, and
 * see every line.
 */
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: any, ...rest: any[]) =>
  String(chunk).startsWith('[warning] ') ? true : (write as any)(chunk, ...rest)) as typeof process.stderr.write;
