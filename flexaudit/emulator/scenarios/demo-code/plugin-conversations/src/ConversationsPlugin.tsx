import * as Flex from '@twilio/flex-ui';
import { FlexPlugin } from '@twilio/flex-plugin';

const PLUGIN_NAME = 'ConversationsPlugin';

export default class ConversationsPlugin extends FlexPlugin {
  constructor() {
    super(PLUGIN_NAME);
  }

  async init(flex: typeof Flex, manager: Flex.Manager): Promise<void> {
    // Flex UI 2.x hands the plugin the task's conversation: no Programmable Chat client of its own.
    flex.Actions.addListener('afterAcceptTask', async ({ task }) => {
      const conversation = await manager.conversationsClient.getConversationBySid(task.attributes.conversationSid);
      await conversation.setAllMessagesRead();
    });
  }
}
