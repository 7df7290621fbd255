// n8n loads the compiled classes listed in package.json's "n8n" block; nothing is exported here.
module.exports = {};
