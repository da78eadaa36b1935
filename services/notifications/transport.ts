// How a notification leaves the system. The default is the outbox: the stored
// document is the message, for a relay (or a person) to pick up. SMTP sends
// e-mail through nodemailer; a failed send is retried by the activity.
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

export interface OutgoingMessage {
  id: string;
  channel: 'email' | 'sms';
  to?: string;
  subject: string;
  body: string;
}

export interface Transport {
  readonly name: string;
  send(message: OutgoingMessage): Promise<{ transportId: string }>;
}

export class OutboxTransport implements Transport {
  readonly name = 'outbox';
  send(message: OutgoingMessage): Promise<{ transportId: string }> {
    return Promise.resolve({ transportId: `outbox:${message.id}` });
  }
}

export class SmtpTransport implements Transport {
  readonly name = 'smtp';
  private readonly mailer: nodemailer.Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.mailer = nodemailer.createTransport(url);
  }

  async send(message: OutgoingMessage): Promise<{ transportId: string }> {
    // Without an address (or for SMS) there is nothing to mail; the outbox copy remains.
    if (message.channel !== 'email' || !message.to) return { transportId: `skipped:${message.id}` };
    const info = await this.mailer.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.body,
      messageId: `<${message.id}@sagashop>`,
    });
    return { transportId: info.messageId };
  }
}
