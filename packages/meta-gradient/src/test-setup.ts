// Tests run on the backend named by BOMRL_TEST_BACKEND (default cpu); CI also runs wasm.
import { type BackendChoice, selectBackend } from '@bomrl/core';

await selectBackend((process.env.BOMRL_TEST_BACKEND as BackendChoice | undefined) ?? 'cpu');
