// An independent sale system against `posdrill terminal --nexo`: npm @adyen/api-library's local
// Terminal API (TerminalLocalAPIUnencrypted, TEST environment) builds every request from its own
// models (ObjectSerializer.serialize drops anything its models do not know) and reads every
// answer back through its models (ObjectSerializer.deserialize).
//
// Transport: the library always POSTs over HTTPS to `${terminalApiLocalEndpoint}:8443/nexo/`
// (services/resource/terminal/local/localRequest.js, httpClient/httpURLConnectionClient.js).
// The emulated POI speaks plain HTTP on a chosen port, so this peer passes the library its own
// HTTP client (the Client constructor's second argument, the library's ClientInterface seam): it
// takes the URL the library built, checks it is .../nexo/ on 8443, and sends the same bytes over
// plain HTTP to the POI's real port. Everything above the socket is the library's.
//
// Usage: node adyen_peer.mjs approved=PORT wrong_pin=PORT pin_locked=PORT velocity=PORT lost=PORT
import http from 'node:http';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client, EnvironmentEnum } = require('@adyen/api-library');
// Version 32 does not export the unencrypted local API from its index; the class is in its
// services folder (package.json has no "exports" map, so the path is public).
const TerminalLocalAPIUnencrypted = require('@adyen/api-library/lib/src/services/terminalLocalAPIUnencrypted').default;

const ports = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const POIID = 'POSDRILL-TRAINING';
const SALEID = 'ADYEN-PEER';
let serviceCounter = 0;
let failures = 0;

// The library's ClientInterface: request(endpoint, json, config, isApiRequired, requestOptions).
class PlainHttpClient {
  constructor(port) {
    this.port = port;
    this.urls = [];
  }
  request(endpoint, json, config) {
    this.urls.push(endpoint);
    const url = new URL(endpoint);
    assert.equal(url.pathname, '/nexo/', 'the library posts to /nexo/');
    assert.equal(url.port, '8443', 'the library posts to port 8443');
    const body = Buffer.from(typeof json === 'string' ? json : JSON.stringify(json), 'utf8');
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: this.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': body.length,
            'X-API-Key': config.apiKey,
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text}`));
            else resolve(text);
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(config.connectionTimeoutMillis, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  }
}

function terminal(port, timeoutMs = 5000) {
  const httpClient = new PlainHttpClient(port);
  const client = new Client(
    {
      apiKey: 'TEST-KEY-NOT-SECRET',
      environment: EnvironmentEnum.TEST,
      terminalApiLocalEndpoint: 'http://127.0.0.1',
      connectionTimeoutMillis: timeoutMs,
    },
    httpClient,
  );
  return new TerminalLocalAPIUnencrypted(client);
}

function header(category) {
  serviceCounter += 1;
  return {
    ProtocolVersion: '3.0',
    MessageClass: 'Service',
    MessageCategory: category,
    MessageType: 'Request',
    ServiceID: String(serviceCounter),
    SaleID: SALEID,
    POIID,
  };
}

function paymentRequest(amount, paymentType = 'Normal') {
  const MessageHeader = header('Payment');
  return {
    SaleToPOIRequest: {
      MessageHeader,
      PaymentRequest: {
        SaleData: {
          SaleTransactionID: { TransactionID: `PEER-${MessageHeader.ServiceID}`, TimeStamp: new Date().toISOString() },
        },
        PaymentTransaction: { AmountsReq: { Currency: 'CNY', RequestedAmount: amount } },
        PaymentData: { PaymentType: paymentType },
      },
    },
  };
}

function statusRequest(serviceId) {
  return {
    SaleToPOIRequest: {
      MessageHeader: header('TransactionStatus'),
      TransactionStatusRequest: {
        MessageReference: { MessageCategory: 'Payment', ServiceID: serviceId, SaleID: SALEID },
      },
    },
  };
}

function additional(response) {
  return new URLSearchParams(response?.AdditionalResponse ?? '');
}

async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures += 1;
    console.log(`FAIL ${name}: ${e.stack ?? e}`);
  }
}

function checkPayment(res, expected) {
  const r = res.SaleToPOIResponse;
  assert.ok(r, 'a SaleToPOIResponse');
  assert.equal(r.MessageHeader.MessageType, 'Response');
  assert.equal(r.MessageHeader.POIID, POIID);
  const p = r.PaymentResponse;
  const extra = additional(p.Response);
  assert.equal(extra.get('trainingMode'), 'true', 'the POI says it is in training mode');
  assert.equal(p.Response.Result, expected.result);
  if (expected.errorCondition) assert.equal(p.Response.ErrorCondition, expected.errorCondition);
  assert.equal(extra.get('responseCode'), expected.code);
  const masked = p.PaymentResult?.PaymentInstrumentData?.CardData?.MaskedPan;
  assert.match(masked ?? '', /^\d{6}\*+\d{4}$/, 'only a masked card number');
  assert.ok(p.POIData.POITransactionID.TransactionID, 'a POITransactionID');
  return p;
}

await check('login reports training mode', async () => {
  const api = terminal(ports.approved);
  const res = await api.request({
    SaleToPOIRequest: {
      MessageHeader: header('Login'),
      LoginRequest: {
        DateTime: new Date().toISOString(),
        SaleSoftware: {
          ManufacturerID: 'adyen-peer',
          ApplicationName: 'adyen_peer.mjs',
          SoftwareVersion: '1',
          CertificationCode: 'TEST',
        },
        OperatorLanguage: 'zh',
        TrainingModeFlag: true,
      },
    },
  });
  const l = res.SaleToPOIResponse.LoginResponse;
  assert.equal(l.Response.Result, 'Success');
  assert.equal(additional(l.Response).get('trainingMode'), 'true');
  assert.equal(l.POISystemData.POIStatus.GlobalStatus, 'OK');
});

let approvedServiceId;
await check('payment approved', async () => {
  const api = terminal(ports.approved);
  const req = paymentRequest(186.5);
  approvedServiceId = req.SaleToPOIRequest.MessageHeader.ServiceID;
  const p = checkPayment(await api.request(req), { result: 'Success', code: '00' });
  assert.equal(p.PaymentResult.AmountsResp.AuthorizedAmount, 186.5);
  assert.equal(p.PaymentResult.AmountsResp.Currency, 'CNY');
  assert.match(p.PaymentResult.PaymentAcquirerData.ApprovalCode, /^[0-9A-Z]{6}$/);
  assert.equal(p.PaymentResult.PaymentInstrumentData.CardData.MaskedPan, '620000******0047');
  assert.equal(p.SaleData.SaleTransactionID.TransactionID, `PEER-${approvedServiceId}`);
  const api2 = terminal(ports.approved);
  const again = await api2.request(paymentRequest(0.29));
  assert.equal(again.SaleToPOIResponse.PaymentResponse.PaymentResult.AmountsResp.AuthorizedAmount, 0.29);
});

await check('transaction status of an approved payment', async () => {
  const api = terminal(ports.approved);
  const res = await api.request(statusRequest(approvedServiceId));
  const t = res.SaleToPOIResponse.TransactionStatusResponse;
  assert.equal(t.Response.Result, 'Success');
  const rep = t.RepeatedMessageResponse;
  assert.equal(rep.MessageHeader.ServiceID, approvedServiceId);
  assert.equal(rep.RepeatedResponseMessageBody.PaymentResponse.Response.Result, 'Success');
  assert.equal(rep.RepeatedResponseMessageBody.PaymentResponse.PaymentResult.AmountsResp.AuthorizedAmount, 186.5);
});

await check('reversal of the approved payment, and a pre-auth', async () => {
  const st = await terminal(ports.approved).request(statusRequest(approvedServiceId));
  const original = st.SaleToPOIResponse.TransactionStatusResponse.RepeatedMessageResponse.RepeatedResponseMessageBody
    .PaymentResponse;
  const res = await terminal(ports.approved).request({
    SaleToPOIRequest: {
      MessageHeader: header('Reversal'),
      ReversalRequest: {
        OriginalPOITransaction: {
          POITransactionID: original.POIData.POITransactionID,
          ApprovalCode: original.PaymentResult.PaymentAcquirerData.ApprovalCode,
        },
        ReversalReason: 'MerchantCancel',
      },
    },
  });
  const v = res.SaleToPOIResponse.ReversalResponse;
  assert.equal(v.Response.Result, 'Success');
  assert.equal(additional(v.Response).get('trainingMode'), 'true');
  assert.equal(v.ReversedAmount, 186.5);
  const pre = checkPayment(await terminal(ports.approved).request(paymentRequest(500, 'FirstReservation')), {
    result: 'Success',
    code: '00',
  });
  assert.equal(pre.PaymentResult.PaymentType, 'FirstReservation');
  assert.equal(pre.PaymentResult.AmountsResp.AuthorizedAmount, 500);
});

await check('declined 55: wrong PIN', async () => {
  const api = terminal(ports.wrong_pin);
  checkPayment(await api.request(paymentRequest(186.5)), { result: 'Failure', errorCondition: 'WrongPin', code: '55' });
});

await check('declined 75: PIN tries exceeded', async () => {
  const api = terminal(ports.pin_locked);
  const p = checkPayment(await api.request(paymentRequest(1699)), {
    result: 'Failure',
    errorCondition: 'Refusal',
    code: '75',
  });
  assert.match(additional(p.Response).get('refusalReason'), /^75 /);
});

await check('declined 65: card used too frequently', async () => {
  const api = terminal(ports.velocity);
  checkPayment(await api.request(paymentRequest(1280)), { result: 'Failure', errorCondition: 'Refusal', code: '65' });
});

await check('time-out, then TransactionStatus tells the real outcome', async () => {
  const api = terminal(ports.lost, 1500);
  const req = paymentRequest(328);
  const lostId = req.SaleToPOIRequest.MessageHeader.ServiceID;
  await assert.rejects(api.request(req), /timeout/, 'the POI does not answer within the time-out');
  // Did it go through? Ask; do not retry, do not refund.
  const st = await terminal(ports.lost).request(statusRequest(lostId));
  const t = st.SaleToPOIResponse.TransactionStatusResponse;
  assert.equal(t.Response.Result, 'Success');
  const p = t.RepeatedMessageResponse.RepeatedResponseMessageBody.PaymentResponse;
  assert.equal(p.Response.Result, 'Failure');
  assert.equal(p.Response.ErrorCondition, 'UnreachableHost');
  const extra = additional(p.Response);
  assert.equal(extra.get('hostOutcome'), 'approved');
  assert.equal(extra.get('reversal'), 'pending');
  // The next payment makes the terminal send its automatic reversal first.
  const next = checkPayment(await terminal(ports.lost).request(paymentRequest(10)), { result: 'Success', code: '00' });
  assert.equal(additional(next.Response).get('autoReversal'), 'sent');
  const later = await terminal(ports.lost).request(statusRequest(lostId));
  const p2 = later.SaleToPOIResponse.TransactionStatusResponse.RepeatedMessageResponse.RepeatedResponseMessageBody
    .PaymentResponse;
  assert.equal(additional(p2.Response).get('hostOutcome'), 'reversed');
  // An unknown reference is NotFound.
  const none = await terminal(ports.lost).request(statusRequest('999999'));
  assert.equal(none.SaleToPOIResponse.TransactionStatusResponse.Response.ErrorCondition, 'NotFound');
});

console.log(failures === 0 ? 'adyen peer: all checks passed' : `adyen peer: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
