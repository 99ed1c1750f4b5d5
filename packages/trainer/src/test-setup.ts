// Tests that use tfjs run on BOMRL_TEST_BACKEND (default cpu: deterministic, always installed).
import { type BackendChoice, selectBackend } from '@bomrl/core';

await selectBackend((process.env.BOMRL_TEST_BACKEND as BackendChoice | undefined) ?? 'cpu');
