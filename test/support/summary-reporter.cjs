/**
 * Prints one plain closing line, "N passed, N failed[, N skipped]", after Jest's
 * own summary, so CI and humans read the same verdict. A test file that fails
 * outside its tests (it cannot be loaded, a hook throws) counts as one failure
 * and is named on the line, so the line can never say "0 failed" when Jest did
 * not pass. Suites skipped for want of PostgreSQL or of Chromium are noted
 * (see `describeOnPostgres` in test-app.ts, `describeWithChromium` in browser.ts).
 */
const POSTGRES_SKIPPED = 'PostgreSQL suites skipped: TEST_DATABASE_URL is not set';
const BROWSER_SKIPPED = 'Browser suites skipped: Chromium is not installed';

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const brokenFiles = results.testResults.filter(
      (file) => file.testExecError || (file.numFailingTests === 0 && file.failureMessage),
    ).length;
    const failed = results.numFailedTests + brokenFiles;
    const skipped = results.numPendingTests + results.numTodoTests;
    let line = `${results.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
    if (brokenFiles)
      line += ` (${brokenFiles} test file${brokenFiles === 1 ? '' : 's'} failed to load or in a hook)`;

    const skippedSuites = (reason) =>
      new Set(
        results.testResults.flatMap((file) =>
          file.testResults
            .filter((test) => test.status === 'pending' && test.ancestorTitles.some((t) => t.includes(reason)))
            .map((test) => test.ancestorTitles.join(' > ')),
        ),
      ).size;
    const note = [POSTGRES_SKIPPED, BROWSER_SKIPPED]
      .map((reason) => [reason, skippedSuites(reason)])
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${reason} (${count} suite${count === 1 ? '' : 's'})\n`)
      .join('');
    process.stdout.write(`\n${note}${line}\n`);
  }
}
module.exports = SummaryReporter;
