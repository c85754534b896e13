// The cross-check queries (tests/sparql/cross-check/cross-check.js): each is run by
// comunica-sparql and `roqet -p` against /query and by roqet over the N-Triples
// export; the answers must be equal as sorted sets of rows. `min` is the least
// number of rows the reference (roqet over the export) must give, so no check
// passes on an empty answer; `boolean` is the expected ASK answer.
// ORDER BY ... LIMIT queries order on a unique key, so the window is the same in
// every engine. No property paths: rasqal 0.9.33 (the reference) does not parse them.
'use strict';

const P = `PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX slterms: <http://mp.stratuslab.eu/slterms#>
PREFIX slreq: <http://mp.stratuslab.eu/slreq#>
`;

module.exports = (entries) => [
  {
    name: 'seed query 1: DISTINCT os and identifier',
    min: 20,
    query: `${P}SELECT DISTINCT ?os ?identifier WHERE { ?x dcterms:identifier ?identifier . ?x slterms:os ?os }`,
  },
  {
    name: 'seed query 2: endorser email and created of every entry',
    min: entries,
    max: entries,
    query: `${P}SELECT ?identifier ?email ?created WHERE { ?x dcterms:identifier ?identifier ;
      slreq:endorsement ?e . ?e dcterms:created ?created ; slreq:endorser ?r . ?r slreq:email ?email }`,
  },
  {
    name: 'FILTER regex and string functions',
    min: 3,
    query: `${P}SELECT ?x ?title (STRLEN(?title) AS ?len) WHERE { ?x dcterms:title ?title
      FILTER(regex(?title, "^ubuntu", "i") && CONTAINS(?title, "x86")) }`,
  },
  {
    name: 'FILTER comparison, IN and logical operators',
    min: 3,
    query: `${P}SELECT ?id ?v ?arch WHERE { ?x dcterms:identifier ?id ; slterms:os-version ?v ;
      slterms:os-arch ?arch FILTER((?v >= "22" || ?v = "7") && ?arch IN ("x86_64", "i686")) }`,
  },
  {
    name: 'OPTIONAL: deprecation reason and tag where present',
    min: entries,
    max: entries,
    query: `${P}SELECT ?x ?reason ?alt WHERE { ?x dcterms:identifier ?id
      OPTIONAL { ?x slterms:deprecated ?reason } OPTIONAL { ?x dcterms:alternative ?alt } }`,
  },
  {
    // rasqal 0.9.33 has no FILTER NOT EXISTS: the SPARQL 1.0 idiom OPTIONAL + !BOUND.
    name: 'OPTIONAL + !BOUND: latest entries that are not deprecated',
    min: 10,
    query: `${P}SELECT ?id ?email WHERE { ?x dcterms:identifier ?id ; slterms:tag "latest" ;
      slreq:endorsement ?e . ?e slreq:endorser ?r . ?r slreq:email ?email
      OPTIONAL { ?x slterms:deprecated ?reason } FILTER(!BOUND(?reason)) }`,
  },
  {
    name: 'aggregates: COUNT per OS with GROUP BY',
    min: 5,
    query: `${P}SELECT ?os (COUNT(?x) AS ?n) (COUNT(DISTINCT ?id) AS ?images) WHERE {
      ?x slterms:os ?os ; dcterms:identifier ?id } GROUP BY ?os`,
  },
  {
    name: 'aggregates: HAVING, MIN and MAX per endorser',
    min: 2,
    query: `${P}SELECT ?email (COUNT(?x) AS ?n) (MIN(?created) AS ?first) (MAX(?created) AS ?last)
      WHERE { ?x slreq:endorsement ?e . ?e dcterms:created ?created ; slreq:endorser ?r .
      ?r slreq:email ?email }
      GROUP BY ?email HAVING (COUNT(?x) > 6)`,
  },
  {
    name: 'ORDER BY DESC with LIMIT and OFFSET',
    min: 5,
    max: 5,
    query: `${P}SELECT ?x ?created WHERE { ?x slreq:endorsement ?e . ?e dcterms:created ?created }
      ORDER BY DESC(?created) ?x LIMIT 5 OFFSET 3`,
  },
  {
    name: 'DISTINCT with ORDER BY and LIMIT',
    min: 3,
    max: 3,
    query: `${P}SELECT DISTINCT ?arch WHERE { ?x slterms:os-arch ?arch } ORDER BY ?arch LIMIT 10`,
  },
  {
    name: 'UNION and BIND',
    min: 5,
    query: `${P}SELECT ?x ?what WHERE { { ?x slterms:deprecated ?r BIND("deprecated" AS ?what) }
      UNION { ?x dcterms:alternative "stable" BIND(CONCAT("tag:", "stable") AS ?what) } }`,
  },
  {
    name: 'ASK that holds',
    boolean: true,
    query: `${P}ASK { ?x slterms:os "Alpine" ; slterms:tag "latest" }`,
  },
  {
    name: 'ASK that does not hold',
    boolean: false,
    query: `${P}ASK { ?x slterms:os "Windows" }`,
  },
];
