/** passport-alipay/testing: an offline Alipay for tests, demos and benchmarks. */
export { createAlipaySimulator, DEFAULT_USERS } from './simulator';
export type {
  AlipaySimulator,
  ApiCall,
  AppRegistration,
  Fault,
  FaultKind,
  IdMode,
  MacaoClientRegistration,
  SimulatedAppCredentials,
  SimulatedMacaoCredentials,
  SimulatedUser,
  SimulatorOptions,
} from './simulator';
