/**
 * Certificate serial numbers for Alipay's certificate mode (公钥证书模式): md5 hex of the issuer
 * DN (most specific RDN first, `type=value` joined by `,`) followed by the decimal serial number.
 */
import { createHash, X509Certificate } from 'crypto';
import { AlipayConfigError } from '../core/errors';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
/** OID prefix of the PKCS#1 RSA signature algorithms (sha1WithRSA, sha256WithRSA, …). */
const RSA_SIGNATURE_OID_PREFIX = '1.2.840.113549.1.1';

/** The three SNs certificate mode computes once: two sent with every call, one checked in answers. */
export interface CertificateSns {
  appCertSn: string;
  alipayRootCertSn: string;
  alipayCertSn: string;
}

/**
 * The PEM blocks of a certificate file, in order. Linear in the input: each search resumes where
 * the previous block ended, and a BEGIN without an END ends the scan (a lazy regular expression
 * rescans the rest of the text from every unterminated BEGIN, which is quadratic).
 */
export function splitPemCertificates(pem: string): string[] {
  const blocks: string[] = [];
  let from = 0;
  for (;;) {
    const begin = pem.indexOf(BEGIN, from);
    if (begin < 0) return blocks;
    const end = pem.indexOf(END, begin + BEGIN.length + 1);
    if (end < 0) return blocks;
    blocks.push(pem.slice(begin, end + END.length));
    from = end + END.length;
  }
}

/** Parses the first certificate of a PEM file's text, explaining the failure when it cannot. */
export function loadCertificate(pem: unknown, option: string): X509Certificate {
  const first = typeof pem === 'string' ? splitPemCertificates(pem)[0] : undefined;
  if (!first) {
    throw new AlipayConfigError(
      `${option} must be the PEM text of a certificate ("-----BEGIN CERTIFICATE-----…"), ` +
        'as downloaded from the Alipay console; pass the file contents, not its path.',
    );
  }
  try {
    return new X509Certificate(first);
  } catch {
    throw new AlipayConfigError(`${option} contains a certificate that cannot be read; download it again from the Alipay console.`);
  }
}

/** Node lists issuer RDNs one per line, least specific first; Alipay wants them reversed, comma-joined. */
function issuerDn(cert: X509Certificate): string {
  return cert.issuer.split('\n').filter(Boolean).reverse().join(',');
}

export function certificateSn(cert: X509Certificate): string {
  const serial = BigInt(`0x${cert.serialNumber}`).toString(10);
  return createHash('md5').update(issuerDn(cert) + serial, 'utf8').digest('hex');
}

/** Reads one DER length at `i`; returns [length, index of the content]. */
function derLength(der: Buffer, i: number): [number, number] {
  const first = der[i];
  if (first < 0x80) return [first, i + 1];
  const bytes = first & 0x7f;
  let length = 0;
  for (let k = 1; k <= bytes; k++) length = length * 256 + der[i + k];
  return [length, i + 1 + bytes];
}

function decodeOid(bytes: Buffer): string {
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let value = 0;
  for (const b of bytes.subarray(1)) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/**
 * The OID of a certificate's signatureAlgorithm: Certificate ::= SEQUENCE { tbsCertificate,
 * signatureAlgorithm SEQUENCE { OID, … }, signature }. Node's X509Certificate does not expose it.
 */
export function signatureAlgorithmOid(der: Buffer): string {
  const [, outerContent] = derLength(der, 1);
  const [tbsLength, tbsContent] = derLength(der, outerContent + 1);
  const algorithm = tbsContent + tbsLength; // the signatureAlgorithm SEQUENCE
  const [, algorithmContent] = derLength(der, algorithm + 1);
  const [oidLength, oidContent] = derLength(der, algorithmContent + 1);
  return decodeOid(der.subarray(oidContent, oidContent + oidLength));
}

/**
 * `alipay_root_cert_sn`: the SNs of the RSA-signed certificates in Alipay's root bundle, in file
 * order, joined by `_`. The bundle also holds SM2-signed certificates, which are skipped before
 * being parsed (the algorithm is read from the DER) since not every OpenSSL build can read them.
 */
export function rootCertificateSn(pem: unknown, option: string): string {
  const certs = typeof pem === 'string' ? splitPemCertificates(pem) : [];
  if (certs.length === 0) loadCertificate(pem, option); // throws the explanatory error
  const sns: string[] = [];
  const unreadable = () =>
    new AlipayConfigError(`${option} contains a certificate that cannot be read; download it again from the Alipay console.`);
  for (const text of certs) {
    const der = Buffer.from(text.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64');
    let oid: string;
    try {
      oid = signatureAlgorithmOid(der);
    } catch {
      throw unreadable();
    }
    if (!oid.startsWith(RSA_SIGNATURE_OID_PREFIX)) continue;
    try {
      sns.push(certificateSn(new X509Certificate(text)));
    } catch {
      throw unreadable();
    }
  }
  if (sns.length === 0) {
    throw new AlipayConfigError(`${option} holds no RSA-signed certificate; is it Alipay's root certificate (alipayRootCert.crt)?`);
  }
  return sns.join('_');
}
