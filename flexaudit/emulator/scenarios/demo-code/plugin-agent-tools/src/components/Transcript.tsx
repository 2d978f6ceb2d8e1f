import React from 'react';
// Helpers shared with the Conversations plugin; 'twilio-chat-helper' is our own package name.
import { formatTime } from 'twilio-chat-helper';

type Props = { chat: { getChannelBySid(sid: string): Promise<any> }; task?: { attributes: { channelSid: string } } };

export default function Transcript({ chat, task }: Props) {
  const [lines, setLines] = React.useState<string[]>([]);
  React.useEffect(() => {
    if (!task) return;
    chat.getChannelBySid(task.attributes.channelSid)
      .then((channel) => channel.getMessages(50))
      .then((page) => setLines(page.items.map((m: any) => `${formatTime(m.dateCreated)} ${m.body}`)));
  }, [chat, task]);
  return <ul>{lines.map((line) => <li key={line}>{line}</li>)}</ul>;
}
