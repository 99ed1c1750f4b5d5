export type { EstimatorCase } from './promp-cases';
export {
  formatVerifyTable,
  runVerify,
  VERIFY_OPERATORS,
  VERIFY_TOLERANCE,
  type VerifyCase,
  type VerifyOptions,
  type VerifyReport,
} from './verify';
