import type { INodeProperties } from 'n8n-workflow';
import { channelIdField } from '../campaign/fields';

export { channelIdField };

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
