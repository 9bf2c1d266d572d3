// Each package extends Backstage's shared configuration in its own
// .eslintrc.js; this root file only stops ESLint looking further up.
module.exports = {
  root: true,
};
