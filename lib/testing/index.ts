/**
 * An offline Alipay for tests, demos and benchmarks: the simulator and helpers that sign fake answers.
 * @packageDocumentation
 * @module passport-alipay/testing
 */
export { createAlipaySimulator } from './simulator';
export { generateTestKeys, signedGatewayResponse, signedMacaoResponse } from './test-keys';
export type { TestKeys } from './test-keys';
export { phoneNumberPayload } from './in-app';
export { signedNotification } from './notifications';
export type { NotificationDelivery, NotificationInput } from './notifications';
export type {
  AlipaySimulator,
  ApiCall,
  AppRegistration,
  Fault,
  FaultKind,
  IdMode,
  MacaoClientRegistration,
  ProviderAuthorization,
  SimulatedAppCredentials,
  SimulatedMacaoCredentials,
  SimulatedUser,
  SimulatorOptions,
} from './simulator';
