// The trusted certificates of a PKCS12 truststore. Node reads PKCS12 only as a keystore (it
// wants a private key in it), while a Kafka truststore made with keytool holds certificates
// alone, so node-forge decodes it.
import forge from 'node-forge';

export function pkcs12Certificates(bytes: Buffer, password: string): string[] {
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
  const p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  const bags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const certs = bags.flatMap((bag) =>
    bag.cert === undefined ? [] : [forge.pki.certificateToPem(bag.cert)],
  );
  if (certs.length === 0) throw new Error('the PKCS12 truststore holds no certificate');
  return certs;
}
