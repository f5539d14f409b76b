// Preloaded with `node --import` into every measured process: at exit, report the process's own CPU time
// (user + system) and peak RSS on stderr. Measuring inside the process counts Node's start and everything after it,
// which a parent cannot get for one child from spawnSync.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\nISA_USAGE ${JSON.stringify({ userUs: u.userCPUTime, systemUs: u.systemCPUTime, maxRssKb: u.maxRSS })}\n`);
});
