// Preloaded (`node --import`) into a measured command: at exit, writes the process's resource
// usage (all threads: peak RSS, user and system CPU) to the file named by BOMRL_RESOURCE_FILE.
import fs from 'node:fs';

const file = process.env.BOMRL_RESOURCE_FILE;
if (file) {
  process.on('exit', (code) => {
    const u = process.resourceUsage();
    fs.writeFileSync(
      file,
      JSON.stringify({
        code,
        maxRssMB: u.maxRSS / 1024,
        cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6,
      }),
    );
  });
}
