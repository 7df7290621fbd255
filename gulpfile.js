const { src, dest } = require('gulp');

// tsc compiles the code; icons are plain files that must sit beside the compiled classes.
function buildIcons() {
	return src(['icons/*.svg', 'nodes/**/*.svg', 'credentials/**/*.svg'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

exports['build:icons'] = buildIcons;
