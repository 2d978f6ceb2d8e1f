import React from 'react';
import { FlexPlugin } from 'flex-plugin';
import Chat from 'twilio-chat';

import Transcript from './components/Transcript';

const PLUGIN_NAME = 'AgentToolsPlugin';

export default class AgentToolsPlugin extends FlexPlugin {
  constructor() {
    super(PLUGIN_NAME);
  }

  async init(flex, manager) {
    // The plugin opens its own Programmable Chat client to read the channel's history.
    const chat = await Chat.create(manager.user.token);
    flex.TaskCanvasTabs.Content.add(<Transcript key="transcript" chat={chat} />);
  }
}
