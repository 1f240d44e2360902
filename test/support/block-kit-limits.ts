// Block Kit's documented limits (docs.slack.dev/reference/block-kit), checked on any view or
// message the app builds: Slack rejects the whole call when one is exceeded.
type Node = Record<string, any>;

const limits = {
  viewBlocks: 100,
  messageBlocks: 50,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  blockId: 255,
  actionId: 255,
  label: 2000,
  hint: 2000,
  placeholder: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  header: 150,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 150,
  staticOptions: 100,
  inputMaxLength: 3000,
  actionsElements: 25,
};

function text(node: Node | undefined): string {
  return typeof node?.text === 'string' ? node.text : '';
}

function checkElement(element: Node, where: string, problems: string[]): void {
  const over = (what: string, length: number, max: number) => length > max && problems.push(`${where}: ${what} is ${length} > ${max}`);
  if (element.action_id) over('action_id', String(element.action_id).length, limits.actionId);
  if (element.placeholder) over('placeholder', text(element.placeholder).length, limits.placeholder);
  if (element.type === 'button') {
    over('button text', text(element.text).length, limits.buttonText);
    if (element.value) over('button value', String(element.value).length, limits.buttonValue);
  }
  for (const option of [...(element.options ?? []), ...(element.initial_option ? [element.initial_option] : [])] as Node[]) {
    over('option text', text(option.text).length, limits.optionText);
    over('option value', String(option.value).length, limits.optionValue);
  }
  if (element.options) over('options', element.options.length, limits.staticOptions);
  if (element.type === 'plain_text_input') {
    const max = element.max_length ?? limits.inputMaxLength;
    over('max_length', max, limits.inputMaxLength);
    if (element.initial_value !== undefined) over('initial_value', String(element.initial_value).length, max);
  }
}

function checkBlocks(blocks: Node[], max: number, problems: string[]): void {
  if (blocks.length > max) problems.push(`${blocks.length} blocks > ${max}`);
  blocks.forEach((block, i) => {
    const where = `block ${i} (${block.block_id ?? block.type})`;
    const over = (what: string, length: number, limit: number) => length > limit && problems.push(`${where}: ${what} is ${length} > ${limit}`);
    if (block.block_id) over('block_id', String(block.block_id).length, limits.blockId);
    if (block.type === 'header') over('header', text(block.text).length, limits.header);
    if (block.type === 'section') {
      over('text', text(block.text).length, limits.sectionText);
      if (block.fields) {
        over('fields', block.fields.length, limits.sectionFields);
        for (const f of block.fields) over('field', text(f).length, limits.fieldText);
      }
    }
    if (block.type === 'context') {
      over('elements', block.elements.length, limits.contextElements);
      for (const e of block.elements) over('context text', text(e).length, limits.sectionText);
    }
    if (block.type === 'input') {
      over('label', text(block.label).length, limits.label);
      if (block.hint) over('hint', text(block.hint).length, limits.hint);
      checkElement(block.element, where, problems);
    }
    if (block.type === 'actions') {
      over('elements', block.elements.length, limits.actionsElements);
      for (const e of block.elements) checkElement(e, where, problems);
    }
  });
}

export function viewLimitProblems(view: Node): string[] {
  const problems: string[] = [];
  if (text(view.title).length > limits.modalTitle) problems.push(`title is ${text(view.title).length} > ${limits.modalTitle}`);
  for (const button of ['submit', 'close']) if (view[button] && text(view[button]).length > limits.modalButton) problems.push(`${button} is too long`);
  if ((view.private_metadata ?? '').length > limits.privateMetadata) problems.push(`private_metadata is ${view.private_metadata.length} > ${limits.privateMetadata}`);
  checkBlocks(view.blocks ?? [], limits.viewBlocks, problems);
  return problems;
}

export function messageLimitProblems(message: Node): string[] {
  const problems: string[] = [];
  checkBlocks(message.blocks ?? [], limits.messageBlocks, problems);
  return problems;
}
