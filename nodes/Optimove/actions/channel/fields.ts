import type { INodeProperties } from 'n8n-workflow';
import { channelIdField } from '../common/fields';

/** The channel of a write: read for every item, as items of several channels may come together. */
export const channelPerItemField: INodeProperties = { ...channelIdField, description: `${channelIdField.description} Read per item.` };

export const templateIdField: INodeProperties = {
	displayName: 'Template ID',
	name: 'templateId',
	type: 'string',
	required: true,
	default: '={{ $json.TemplateID }}',
	description: "The template's ID in your channel (a whole number)",
};

export const templateNameField: INodeProperties = {
	displayName: 'Template Name',
	name: 'templateName',
	type: 'string',
	required: true,
	default: '={{ $json.TemplateName }}',
	description: 'The name marketers see in Optimove’s campaign builder',
};
