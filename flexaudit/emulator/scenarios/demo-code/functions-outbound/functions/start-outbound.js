// Agent-initiated SMS, the legacy way: a channel on the outbound-only Flex Flow, then a Proxy session.
exports.handler = async (context, event, callback) => {
  const client = context.getTwilioClient();
  const channel = await client.flexApi.v1.flexFlow(context.FLEX_FLOW_SID).fetch()
    .then(() => client.flexApi.v1.channel.create({
      flexFlowSid: context.FLEX_FLOW_SID,
      identity: event.To,
      chatUserFriendlyName: event.To,
      chatFriendlyName: `Outbound ${event.To}`,
      target: event.To,
    }));
  await client.proxy.v1.services(context.PROXY_SERVICE_SID).sessions.create({ uniqueName: channel.sid, mode: 'message-only' });
  callback(null, { channelSid: channel.sid });
};
