/** Test setup: the chai passport plugin, and no network but loopback. */
import * as chai from 'chai';
import chaiPassportStrategy from 'chai-passport-strategy';
import nock from 'nock';

chai.use(chaiPassportStrategy);
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

export const mochaHooks = {
  afterEach(): void {
    nock.cleanAll();
  },
};
