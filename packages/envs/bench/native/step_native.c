/*
 * Native MuJoCo driver for `pnpm bench:envs`: steps an MJCF exactly like the WebAssembly envs do
 * (uniform random controls in the control range, `frame_skip` physics steps per env step, a reset
 * with the same noise scales every `horizon` env steps), and prints one JSON line with the timing.
 * Built by bench/envs-bench.mjs with: gcc -O2 step_native.c -lmujoco -lm
 *
 * usage: step_native <model.xml> <env_steps> <frame_skip> <horizon> <seed>
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <mujoco/mujoco.h>

/* A tiny xorshift generator: the benchmark needs cheap, reproducible draws, not statistics. */
static uint64_t rng_state = 88172645463325252ULL;
static double uniform01(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (double)(rng_state >> 11) / 9007199254740992.0;
}
static double normal01(void) {
  double u = uniform01();
  if (u < 1e-300) u = 1e-300;
  return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * uniform01());
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void reset(const mjModel* m, mjData* d) {
  mj_resetData(m, d);
  for (int i = 0; i < m->nq; i++) d->qpos[i] = m->qpos0[i] + (2.0 * uniform01() - 1.0) * 0.1;
  for (int i = 0; i < m->nv; i++) d->qvel[i] = 0.1 * normal01();
  mj_forward(m, d);
}

int main(int argc, char** argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s <model.xml> <env_steps> <frame_skip> <horizon> <seed>\n", argv[0]);
    return 2;
  }
  const char* path = argv[1];
  long env_steps = atol(argv[2]);
  int frame_skip = atoi(argv[3]);
  int horizon = atoi(argv[4]);
  rng_state ^= (uint64_t)atol(argv[5]) * 0x9E3779B97F4A7C15ULL;

  char error[1000] = "";
  mjModel* m = mj_loadXML(path, NULL, error, sizeof(error));
  if (!m) {
    fprintf(stderr, "mj_loadXML failed: %s\n", error);
    return 1;
  }
  mjData* d = mj_makeData(m);
  reset(m, d);

  double start = now_seconds();
  double checksum = 0.0;
  for (long s = 0; s < env_steps; s++) {
    for (int i = 0; i < m->nu; i++) {
      double lo = m->actuator_ctrlrange[2 * i], hi = m->actuator_ctrlrange[2 * i + 1];
      d->ctrl[i] = lo + (hi - lo) * uniform01();
    }
    for (int k = 0; k < frame_skip; k++) mj_step(m, d);
    checksum += d->qpos[0];
    if ((s + 1) % horizon == 0) reset(m, d);
  }
  double elapsed = now_seconds() - start;

  printf("{\"version\":\"%s\",\"envSteps\":%ld,\"frameSkip\":%d,\"seconds\":%.6f,"
         "\"envStepsPerSecond\":%.1f,\"usPerPhysicsStep\":%.3f,\"checksum\":%.6f}\n",
         mj_versionString(), env_steps, frame_skip, elapsed, (double)env_steps / elapsed,
         1e6 * elapsed / ((double)env_steps * frame_skip), checksum);
  mj_deleteData(d);
  mj_deleteModel(m);
  return 0;
}
