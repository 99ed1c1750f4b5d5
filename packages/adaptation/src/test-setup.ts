// Tests run on the backend named by BOMRL_TEST_BACKEND (default cpu: deterministic and always
// installed); CI also runs the suite on wasm.
import { type BackendChoice, selectBackend } from '@bomrl/core';

await selectBackend((process.env.BOMRL_TEST_BACKEND as BackendChoice | undefined) ?? 'cpu');
