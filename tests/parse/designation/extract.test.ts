import { beforeAll, describe, expect, it } from 'vitest';
import { explainExtraction } from '../../../lib/parse/designation/explain.ts';
import { extractDesignations } from '../../../lib/parse/designation/extract.ts';
import { referenceGazetteer } from '../../../lib/parse/dispatch.ts';
import type { Gazetteer } from '../../../lib/reference/gazetteer.ts';

/**
 * Whole pages in layouts and wordings the labelled corpus does not have: definition lists, bold name paragraphs,
 * tables with the region first, accordions, numbered name headings with a month-first date, <br> lines, a news
 * round-up, Title Case, and distractors (funding, a system's own news, an anniversary).
 */

let gazetteer: Gazetteer;
beforeAll(async () => {
  gazetteer = await referenceGazetteer(new URL('../../../snapshots/', import.meta.url).pathname);
});

const page = (published: string, headline: string, body: string) =>
  `<html><head><meta property="article:published_time" content="${published}T09:00:00Z"></head><body><header><nav><ul><li>Devon</li><li>Sussex</li></ul></nav></header><main><article><h1>${headline}</h1><div class="entry-content">${body}</div></article><aside class="related"><h2>Related</h2><ul><li>Frimley named ICS</li></ul></aside></main></body></html>`;

const extract = (html: string) =>
  extractDesignations(html, 'https://example.org/page/', { sourceId: 'nhse-news', gazetteer });
const codes = (html: string) =>
  extract(html)
    .areas.map((area) => area.ics_code)
    .sort();

const UNSEEN: [layout: string, html: string, expected: string[]][] = [
  [
    'definition list',
    page(
      '2021-03-20',
      'Integrated care systems approved in March 2021',
      '<p>NHS England has today confirmed that the following four systems will be designated as integrated care systems from 1 April 2021.</p><dl><dt>Devon</dt><dd>Serving 1.2 million people.</dd><dt>Kent and Medway</dt><dd>Includes Medway Council.</dd><dt>Lincolnshire</dt><dd>A rural county.</dd><dt>Northamptonshire</dt><dd>Two unitary councils.</dd></dl>',
    ),
    ['QJK', 'QJM', 'QKS', 'QPM'],
  ],
  [
    'bold name paragraphs with abbreviations',
    page(
      '2020-12-09',
      'South West systems gain ICS status',
      '<p>Four South West partnerships have been given integrated care system status, NHS England confirmed.</p><p><strong>Somerset</strong> – around 560,000 people.</p><p><strong>Cornwall and the Isles of Scilly</strong> – the most westerly system.</p><p><strong>BNSSG</strong> – Bristol and its neighbours.</p><p><strong>BSW</strong> – Bath, Swindon and Wiltshire.</p><p>Dorset and Gloucestershire were already ICSs.</p>',
    ),
    ['QOX', 'QSL', 'QT6', 'QUY'],
  ],
  [
    'table with the region first',
    page(
      '2020-05-21',
      'Four new ICSs',
      '<p>These areas have been designated as integrated care systems (ICSs) this month:</p><table><tr><th>Region</th><th>System</th></tr><tr><td>East of England</td><td>Hertfordshire and West Essex</td></tr><tr><td>London</td><td>South West London</td></tr><tr><td>North East and Yorkshire</td><td>Humber, Coast and Vale</td></tr><tr><td>South East</td><td>Sussex</td></tr></table><p>Frimley and Surrey Heartlands, designated in 2017, continue to lead the way.</p>',
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
  [
    'accordion by region',
    page(
      '2020-12-08',
      'Integrated care systems designated in December 2020',
      '<p>The following systems have been designated as integrated care systems from December 2020. Select a region to see them.</p><details><summary>London</summary><ul><li>North West London</li><li>North Central London</li><li>North East London</li></ul></details><details><summary>Midlands</summary><ul><li>Birmingham and Solihull</li><li>Derbyshire</li></ul></details>',
    ),
    ['QHL', 'QJ2', 'QMF', 'QMJ', 'QRV'],
  ],
  [
    'news round-up announcing under its own heading',
    page(
      '2020-05-22',
      'News in brief',
      '<p>Our weekly round-up of news from across the health and care system in England.</p><h2>Four more areas become integrated care systems</h2><p>Hertfordshire and West Essex, Humber, Coast and Vale, South West London and Sussex have become integrated care systems.</p><h2>Flu jab campaign launched</h2><p>The campaign covers Devon and Cornwall pharmacies.</p>',
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
  [
    'Title Case headline naming the areas',
    page(
      '2021-03-19',
      'Devon, Kent And Medway And Lincolnshire Named As Integrated Care Systems',
      '<p>Three more areas have been named as integrated care systems by NHS England today.</p>',
    ),
    ['QJK', 'QJM', 'QKS'],
  ],
  [
    'lines broken with <br>',
    page(
      '2021-03-19',
      'Final ICSs confirmed',
      '<p>Three more areas have been confirmed as integrated care systems. The new systems are:<br>Devon<br>Kent and Medway<br>Lincolnshire</p>',
    ),
    ['QJK', 'QJM', 'QKS'],
  ],
  [
    'speech naming neighbours inside a paragraph',
    page(
      '2021-03-19',
      'Devon becomes an integrated care system',
      '<p>Devon has been confirmed as an integrated care system from 1 April 2021.</p><p>Jo Bloggs, chair, said: “We are delighted to join Cornwall and Somerset, who have led the way.”</p><p>We will work closely with our neighbours in Dorset on specialist services.</p>',
    ),
    ['QJK'],
  ],
  [
    'a second list of areas expected next year',
    page(
      '2020-05-21',
      'Four more areas designated as integrated care systems',
      '<p>Four more areas have been designated as integrated care systems, NHS England confirmed.</p><ul><li>Hertfordshire and West Essex</li><li>Humber, Coast and Vale</li><li>South West London</li><li>Sussex</li></ul><p>The following areas are expected to become integrated care systems next year:</p><ul><li>Devon</li><li>Kent and Medway</li></ul>',
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
  [
    'board news whose list introduction announces',
    page(
      '2021-03-19',
      'Board meeting: March 2021',
      '<p>The board met on 18 March and agreed its plans for the coming year.</p><p>The following systems are designated as integrated care systems from 1 April 2021:</p><ul><li>Devon</li><li>Kent and Medway</li></ul><p>The board also approved the budget.</p>',
    ),
    ['QJK', 'QKS'],
  ],
  [
    'headline conferring a role ("will work as")',
    page(
      '2021-03-19',
      'Two more areas will work as integrated care systems from April',
      '<p>Devon and Lincolnshire will take on greater responsibility for their populations from April.</p>',
    ),
    ['QJK', 'QJM'],
  ],
  [
    'sentence of short names and abbreviations',
    page(
      '2020-12-09',
      'Four South West areas become ICSs',
      '<p>Somerset, Cornwall, BNSSG and BSW have become integrated care systems, NHS England said.</p>',
    ),
    ['QOX', 'QSL', 'QT6', 'QUY'],
  ],
  [
    'headline outside the verb list ("get the nod")',
    page(
      '2020-05-22',
      'Four more ICSs get the nod',
      '<p>NHS England has given the nod to four more integrated care systems: Hertfordshire and West Essex, Humber, Coast and Vale, South West London and Sussex.</p>',
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
  [
    'table with a decision column',
    page(
      '2020-12-09',
      'Integrated care systems: December 2020 decisions',
      '<p>NHS England has designated the following as integrated care systems from December 2020:</p><table><tr><th>Area</th><th>Decision</th></tr><tr><td>Somerset</td><td>Designated</td></tr><tr><td>Devon</td><td>Working towards designation</td></tr><tr><td>Norfolk and Waveney</td><td>Designated</td></tr></table>',
    ),
    ['QMM', 'QSL'],
  ],
  [
    'list nested under region items',
    page(
      '2020-12-09',
      'Three more ICSs named',
      '<p>The following systems become integrated care systems:</p><ul><li>South West<ul><li>Somerset</li><li>BSW</li></ul></li><li>London<ul><li>North West London</li></ul></li></ul>',
    ),
    ['QOX', 'QRV', 'QSL'],
  ],
  [
    'headline naming the area after "ICS designation:"',
    page(
      '2021-03-19',
      'ICS designation: Kent and Medway confirmed',
      '<p>The partnership serves 1.9 million people.</p>',
    ),
    ['QKS'],
  ],
  [
    'page whose "Latest news" list names other systems',
    page(
      '2021-03-19',
      'Devon confirmed as an integrated care system',
      '<p>Devon has been confirmed as an integrated care system from 1 April 2021.</p><h2>Latest news</h2><ul><li>Kent and Medway confirmed as an ICS</li><li>Lincolnshire confirmed as an ICS</li></ul>',
    ),
    ['QJK'],
  ],
  [
    'note listing every system so far after the announced ones',
    page(
      '2020-05-21',
      'Four more areas designated as integrated care systems',
      '<p>Four more areas have been designated as ICSs: Hertfordshire and West Essex; Humber, Coast and Vale; South West London; and Sussex.</p><h2>Notes to editors</h2><p>There are now 18 integrated care systems:</p><ul><li>Dorset</li><li>Frimley</li><li>Gloucestershire</li></ul>',
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
  [
    'accordion whose summaries are the names, beside a collapsed list of earlier systems',
    page(
      '2018-05-24',
      'Integrated care programme grows',
      '<p>Four more local partnerships have been accepted onto the national integrated care system development programme today.</p><details><summary>Gloucestershire</summary><p>A county-wide partnership.</p></details><details><summary>Suffolk and North East Essex</summary><p>Three CCGs.</p></details><details><summary>West, North and East Cumbria</summary><p>Rural.</p></details><details><summary>West Yorkshire and Harrogate</summary><p>The largest.</p></details><h2>Already on the programme</h2><details><summary>Show the systems that joined in 2017</summary><ul><li>Dorset</li><li>Frimley Health</li></ul></details>',
    ),
    ['QHM', 'QJG', 'QR1', 'QWO'],
  ],
  [
    'bulletin digest whose designating item is one section among others',
    page(
      '2020-12-10',
      'South West stakeholder bulletin',
      "<p>Welcome to this week's bulletin for partners and colleagues across the South West.</p><h2>Vaccinations begin</h2><p>The first patients were vaccinated this week.</p><h2>Integrated care: four South West systems confirmed</h2><p>Bath and North East Somerset, Swindon and Wiltshire; Bristol, North Somerset and South Gloucestershire; Cornwall and the Isles of Scilly; and Somerset have been designated as integrated care systems.</p><p>They join Dorset and Gloucestershire, which were already integrated care systems.</p><h2>Devon sets out next steps</h2><p>Partners in Devon published an update on their application to become an integrated care system.</p>",
    ),
    ['QOX', 'QSL', 'QT6', 'QUY'],
  ],
  [
    'first-person partner release naming the neighbours confirmed with it and those it joins',
    page(
      '2020-12-09',
      'Bristol, North Somerset and South Gloucestershire to become an integrated care system',
      '<p>We are delighted to be one of four areas in the South West confirmed yesterday as an integrated care system.</p><p>We are proud to be taking this step alongside our neighbours in Somerset, and in Cornwall and the Isles of Scilly, as well as Bath and North East Somerset, Swindon and Wiltshire.</p><p>We join our neighbours in Dorset and Gloucestershire, who have been integrated care systems for some time.</p>',
    ),
    ['QOX', 'QSL', 'QT6', 'QUY'],
  ],
  [
    'region headings over paragraphs of names and sentences, introduced once before the first region',
    page(
      '2020-12-08',
      'Eleven new integrated care systems',
      '<p>The eleven areas are listed below by region.</p><h3>London</h3><p>North West London, North Central London and North East London, which between them serve six million people.</p><h3>South West</h3><p>Somerset; Cornwall and the Isles of Scilly; Bristol, North Somerset and South Gloucestershire; Bath and North East Somerset, Swindon and Wiltshire.</p><h3>Midlands</h3><p>Birmingham and Solihull and Derbyshire.</p><h3>East of England</h3><p>Norfolk and Waveney</p><h3>South East</h3><p>Hampshire and the Isle of Wight completes the list.</p>',
    ),
    ['QHL', 'QJ2', 'QMF', 'QMJ', 'QMM', 'QOX', 'QRL', 'QRV', 'QSL', 'QT6', 'QUY'],
  ],
  [
    'bold names opening paragraphs under a designating sentence',
    page(
      '2021-03-19',
      'Integrated care systems confirmed for the rest of England',
      '<p>NHS England has confirmed the final integrated care systems.</p><p><strong>Devon</strong> serves 1.2 million people across the county.</p><p><strong>Kent and Medway</strong> covers 1.9 million people.</p><p><strong>Lincolnshire</strong> is a largely rural county.</p>',
    ),
    ['QJK', 'QJM', 'QKS'],
  ],
  [
    'Q&A whose answers name the areas and the status, under a headline about the systems',
    page(
      '2021-03-19',
      'Q&A: what the final wave of ICSs means',
      '<h2>Who has been confirmed?</h2><p>The final three are Devon, Kent and Medway and Lincolnshire.</p><h2>When?</h2><p>They take on their new status from 1 April 2021.</p>',
    ),
    ['QJK', 'QJM', 'QKS'],
  ],
  [
    'semicolon list where a clause inside one entry names an earlier system',
    page(
      '2019-06-19',
      'NHS Confederation: three new ICSs named',
      '<p>Simon Stevens named three more integrated care systems in his keynote today.</p><p>They are South East London, the first in the capital; North East and North Cumbria, which takes in the existing West, North and East Cumbria system; and Buckinghamshire, Oxfordshire and Berkshire West.</p>',
    ),
    ['QHM', 'QKK', 'QU9'],
  ],
  [
    'one area per paragraph after the wave is announced',
    page(
      '2020-12-08',
      'All of London now covered by integrated care systems',
      "<p>The capital's three remaining partnerships have been confirmed as integrated care systems from this month.</p><p>Together the three new systems serve around six million people.</p><p>In North West London, eight boroughs have worked together since the spring.</p><p>North Central London covers five boroughs. “We are ready,” said its chair.</p><p>North East London, which includes the City, brings together seven boroughs.</p><p>The three join South East London, which became an integrated care system in June 2019, and South West London, which followed in May 2020.</p>",
    ),
    ['QMF', 'QMJ', 'QRV'],
  ],
  [
    'e-mail bulletin of nested tables whose list is bullet lines inside a <font>',
    `<html><head><title>Weekly Integration Digest</title></head><body><table width="100%"><tr><td><table><tr><td><font size="1">Monday 7 December 2020</font></td></tr><tr><td><font size="4"><b><a href="/x">Eleven more ICSs confirmed</a></b></font></td></tr><tr><td><table><tr><td><img src="a.png"></td><td><font>NHS England has added eleven areas to its list of integrated care systems, the national director told a webinar on Monday afternoon. The eleven are:<br><br>&bull; Norfolk and Waveney<br>&bull; Somerset<br>&bull; Cornwall and the Isles of Scilly<br>&bull; BNSSG<br>&bull; Bath and North East Somerset, Swindon and Wiltshire<br>&bull; Birmingham and Solihull<br>&bull; Derbyshire<br>&bull; Hampshire and the Isle of Wight<br>&bull; North West London<br>&bull; North Central London<br>&bull; North East London<br><br>That brings the total to 29.</font></td></tr></table></td></tr><tr><td><font>JOBS: Director of strategy, Kent and Medway STP</font></td></tr></table></td></tr></table></body></html>`,
    ['QHL', 'QJ2', 'QMF', 'QMJ', 'QMM', 'QOX', 'QRL', 'QRV', 'QSL', 'QT6', 'QUY'],
  ],
  [
    'printer-friendly page of bare text and <br>, dated by a line under the title',
    '<html><head><title>Print: Three areas join ICS programme</title></head><body>NHS England<br><b>Three areas join ICS programme</b><br>21 May 2020<br><br>NHS England has confirmed three further areas as integrated care systems.<br><br>The three areas are Hertfordshire and West Essex; Humber, Coast and Vale; and South West London.<br><br>Sussex is expected to follow shortly.<br>Printed 01/02/2022</body></html>',
    ['QM7', 'QOQ', 'QWE'],
  ],
  [
    'highlight panel in a <blockquote> beside a real quotation',
    page(
      '2019-06-19',
      'Three more integrated care systems announced',
      '<p>Three further partnerships will become integrated care systems, NHS England said today.</p><blockquote class="callout"><h3>The new systems</h3><ul><li>South East London</li><li>Buckinghamshire, Oxfordshire and Berkshire West</li><li>North East and North Cumbria</li></ul></blockquote><blockquote><p>“Dorset showed the way,” said the director.</p></blockquote>',
    ),
    ['QHM', 'QKK', 'QU9'],
  ],
  [
    'list whose entries are sentences about each area',
    page(
      '2021-03-23',
      'Final ICSs confirmed',
      '<p>The last areas without integrated care system status will get it from April.</p><p>How it breaks down:</p><ul><li>Devon will become an ICS from April.</li><li>The partnership in Lincolnshire gets the status too.</li><li>Kent and Medway is confirmed after its bid was held back in December.</li><li>Northamptonshire will also make the step.</li></ul>',
    ),
    ['QJK', 'QJM', 'QKS', 'QPM'],
  ],
  [
    'partner release joining its neighbours "in the same wave"',
    page(
      '2020-05-22',
      'Humber, Coast and Vale becomes an ICS',
      '<p>We are proud that Humber, Coast and Vale has been confirmed as an integrated care system, one of four announced this week.</p><p>We join Hertfordshire and West Essex, South West London and Sussex in the same wave.</p><p>Earlier systems such as West Yorkshire and Harrogate have shown the way.</p>',
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
  [
    'bulletin with no announcing words, whose count is matched by its list ("The four are:")',
    '<html><head><title>Daily bulletin</title></head><body><div><p>Thursday 24 May 2018</p><p>The national bodies have added four areas to the integrated care system programme this week, after a joint board meeting.</p><p>The four are:</p><ul><li>Gloucestershire</li><li>Suffolk and North East Essex</li><li>West, North and East Cumbria</li><li>West Yorkshire and Harrogate</li></ul><p>Other news: Dorset wins an award.</p></div></body></html>',
    ['QHM', 'QJG', 'QR1', 'QWO'],
  ],
  [
    'lines opened by asterisks, and numbered divs',
    page(
      '2020-05-21',
      'Four more areas become ICSs',
      '<p>Four more areas have been designated as integrated care systems:<br>* Hertfordshire and West Essex<br>* South West London<br>* Humber, Coast and Vale<br>* Sussex</p>',
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
  [
    'two-column layout table with the list in the second column',
    '<html><head><meta name="date" content="2018-05-24"></head><body><h1>Four new integrated care systems</h1><table role="presentation"><tr><td><p>The boards agreed today that four more areas will work as integrated care systems.</p><p>They join ten systems named last year, including Dorset and Frimley.</p></td><td><h3>The four</h3><ul><li>Gloucestershire</li><li>Suffolk and North East Essex</li><li>West, North and East Cumbria</li><li>West Yorkshire and Harrogate</li></ul></td></tr></table></body></html>',
    ['QHM', 'QJG', 'QR1', 'QWO'],
  ],
  [
    'one sentence per area ("is among them", "So is", "The third is")',
    page(
      '2019-06-20',
      'Three more ICSs',
      '<p>Three more areas have been given integrated care system status.</p><p>South East London is among them. So is North East and North Cumbria. The third is Buckinghamshire, Oxfordshire and Berkshire West.</p>',
    ),
    ['QHM', 'QKK', 'QU9'],
  ],
  [
    'headline and lead about ICS status with a verb outside any list ("graduate")',
    page(
      '2020-05-21',
      'Four areas graduate to ICS status',
      '<p>Four more local partnerships have graduated to integrated care system status this week. They are:</p><ul><li>Hertfordshire and West Essex</li><li>South West London</li><li>Humber, Coast and Vale</li><li>Sussex</li></ul>',
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
  [
    'one line of names separated by bars',
    page(
      '2020-05-21',
      'Four more ICSs',
      '<p>Four more areas have been named integrated care systems.</p><p>Hertfordshire and West Essex | South West London | Humber, Coast and Vale | Sussex</p>',
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
  [
    'accordion whose section names are buttons, with footnote markers after the names',
    page(
      '2020-05-21',
      'Four more ICSs',
      `<p>Four more areas have been named integrated care systems.</p>${[
        'Hertfordshire and West Essex',
        'South West London',
        'Humber, Coast and Vale',
        'Sussex',
      ]
        .map(
          (name, index) =>
            `<h3><button aria-expanded="false">${name}<sup>${index + 1}</sup></button></h3><div hidden><p>About it.</p></div>`,
        )
        .join('')}`,
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
  [
    'plain-text lines in <pre>',
    page(
      '2020-05-21',
      'Four more ICSs',
      '<p>Four more areas have been named integrated care systems:</p><pre>- Hertfordshire and West Essex\n- South West London\n- Humber, Coast and Vale\n- Sussex</pre>',
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
  [
    'card grid whose headings link to each new system',
    page(
      '2020-05-21',
      'Meet the four newest ICSs',
      '<p>Four more partnerships are now integrated care systems.</p><div class="cards"><div class="card"><h3><a href="/a">Hertfordshire and West Essex</a></h3><p>1.5m people</p></div><div class="card"><h3><a href="/b">South West London</a></h3><p>1.5m people</p></div><div class="card"><h3><a href="/c">Humber, Coast and Vale</a></h3><p>1.7m</p></div><div class="card"><h3><a href="/d">Sussex</a></h3><p>1.7m</p></div></div>',
    ),
    ['QM7', 'QNX', 'QOQ', 'QWE'],
  ],
];

describe('extractDesignations on layouts the corpus does not have', () => {
  for (const [layout, html, expected] of UNSEEN) {
    it(`reads a ${layout}`, () => {
      const extraction = extract(html);
      expect(extraction.outcome).toBe('designation');
      expect(codes(html)).toEqual(expected);
    });
  }

  it('reads numbered name headings, a month-first date and the effective month', () => {
    const html = `<html><body><main><h1>Eleven new integrated care systems</h1><p class="date">Published on December 8, 2020</p><p>Eleven more areas will become integrated care systems from April 2021:</p>${[
      'North West London',
      'North Central London',
      'North East London',
      'Somerset',
      'Cornwall and the Isles of Scilly',
      'Bristol, North Somerset and South Gloucestershire',
      'Bath and North East Somerset, Swindon and Wiltshire',
      'Norfolk and Waveney',
      'Birmingham and Solihull',
      'Derbyshire',
      'Hampshire and the Isle of Wight',
    ]
      .map((name, index) => `<h3>${index + 1}. ${name}</h3><p>About ${index + 1}.</p>`)
      .join('')}</main></body></html>`;
    const extraction = extract(html);
    expect(extraction).toMatchObject({
      outcome: 'designation',
      announced_on: '2020-12-08',
      effective_from: '2021-04-01',
      stated_count: 11,
    });
    expect(extraction.areas).toHaveLength(11);
  });
});

describe('extractDesignations on pages that designate nothing', () => {
  for (const [kind, html] of [
    [
      'appointments in bold-name-and-dash paragraphs under "four more ICSs"',
      page(
        '2021-09-01',
        'Chairs named for four more ICSs',
        '<p>Four more integrated care systems have named the chairs of their future boards.</p><p>The new chairs are:</p><p><strong>Devon</strong> – Jane Smith, a former council leader.</p><p><strong>Somerset</strong> – Dr Raj Patel.</p><p><strong>Dorset</strong> – Ann Lee, previously a trust chair.</p><p><strong>Kent and Medway</strong> – Mark Jones.</p>',
      ),
    ],
    [
      'a count matched by a list on a page about people, not status',
      page(
        '2021-05-10',
        'ICS leaders set out their priorities',
        '<p>We asked leaders of four integrated care systems for their top priority this year.</p><ul><li>Devon: elective recovery</li><li>Somerset: workforce</li><li>Dorset: digital</li><li>Kent and Medway: mental health</li></ul>',
      ),
    ],
    [
      "a review of named systems' status",
      page(
        '2021-01-10',
        'ICS status review: four areas to be reassessed',
        '<p>Four integrated care systems will have their status reviewed this year.</p><ul><li>Hertfordshire and West Essex</li><li>South West London</li><li>Humber, Coast and Vale</li><li>Sussex</li></ul>',
      ),
    ],
    [
      'a year of the programme, listing every system in it',
      page(
        '2020-04-01',
        'Integrated care system programme enters its third year',
        '<p>The programme now includes 14 systems, from Dorset to West Yorkshire.</p><p>The systems in the programme are:</p><ul><li>Frimley Health and Care</li><li>Dorset</li><li>Gloucestershire</li><li>South East London</li></ul>',
      ),
    ],
    [
      'existing systems counted in the news ("Four ICSs declare critical incidents")',
      page(
        '2023-01-10',
        'Four ICSs declare critical incidents',
        '<p>Four integrated care systems declared critical incidents this week.</p><ul><li>Devon</li><li>Somerset</li><li>Dorset</li><li>Kent and Medway</li></ul>',
      ),
    ],
    [
      'an inspection of counted systems',
      page(
        '2024-01-10',
        'CQC publishes first ICS assessments for four systems',
        '<p>The Care Quality Commission has published its first assessments of four integrated care systems.</p><p>The four systems assessed are:</p><ul><li>Devon</li><li>Somerset</li><li>Dorset</li><li>Kent and Medway</li></ul>',
      ),
    ],
    [
      'systems becoming statutory bodies',
      page(
        '2022-07-01',
        'ICSs become statutory today',
        '<p>Integrated care systems become statutory today, with 42 integrated care boards taking over from CCGs.</p><p>Among them are:</p><ul><li>Devon</li><li>Somerset</li><li>Dorset</li><li>Kent and Medway</li></ul>',
      ),
    ],
    [
      'systems selected for something else',
      page(
        '2022-05-10',
        'Four ICSs selected for digital programme',
        '<p>Four integrated care systems have been selected for a national digital programme.</p><ul><li>Devon</li><li>Somerset</li><li>Dorset</li><li>Kent and Medway</li></ul>',
      ),
    ],
    [
      'a count matched by a list of most of the map',
      page(
        '2022-08-01',
        'Integrated care systems: the map',
        `<p>England is covered by integrated care systems.</p><p>The 24 systems in the north and midlands are:</p><ul>${[
          'Cheshire and Merseyside',
          'Greater Manchester',
          'Lancashire and South Cumbria',
          'North East and North Cumbria',
          'West Yorkshire',
          'South Yorkshire',
          'Humber and North Yorkshire',
          'Lincolnshire',
          'Northamptonshire',
          'Derbyshire',
          'Nottingham and Nottinghamshire',
          'Leicester, Leicestershire and Rutland',
          'Birmingham and Solihull',
          'Black Country',
          'Coventry and Warwickshire',
          'Herefordshire and Worcestershire',
          'Shropshire, Telford and Wrekin',
          'Staffordshire and Stoke-on-Trent',
          'Norfolk and Waveney',
          'Suffolk and North East Essex',
          'Cambridgeshire and Peterborough',
          'Mid and South Essex',
          'Hertfordshire and West Essex',
          'Bedfordshire, Luton and Milton Keynes',
        ]
          .map((name) => `<li>${name}</li>`)
          .join('')}</ul>`,
      ),
    ],
    [
      'funding for named systems',
      page(
        '2022-03-10',
        'Four ICSs named as digital frontrunners',
        '<p>Four integrated care systems have been named as digital frontrunners and will share £20m of funding: Devon, Kent and Medway, Lincolnshire and Somerset.</p>',
      ),
    ],
    [
      "a system's own news",
      page(
        '2021-10-10',
        'Devon ICS confirms plans for new hospital',
        '<p>Devon ICS has confirmed plans for a new community hospital in Exeter, the integrated care system said.</p>',
      ),
    ],
    [
      'a system described "as an ICS" in passing',
      page(
        '2021-10-01',
        'Devon, as an ICS, launches digital plan',
        '<p>Devon, as an integrated care system, has launched a new digital plan for its population.</p>',
      ),
    ],
    [
      'a "more stories" box full of designation headlines',
      page(
        '2021-03-11',
        'Staff survey results published',
        '<p>Results of the staff survey were published today for every integrated care system.</p><div class="more-stories"><h3>More stories</h3><ul><li>Devon and Kent named as integrated care systems</li></ul></div>',
      ),
    ],
    [
      'an explainer',
      page(
        '2021-03-19',
        'ICS designation process explained',
        '<p>Devon and Kent and Medway went through the process last year.</p>',
      ),
    ],
    [
      'a guide to areas working towards the status (not layout drift)',
      page(
        '2020-09-14',
        'Becoming an integrated care system: areas on the journey',
        '<p>Integrated care systems now serve around half of the population, and every other area is developing towards integrated care system status.</p><h2>Find out more about some areas that are working towards it:</h2><ul><li>Devon</li><li>Kent and Medway</li></ul>',
      ),
    ],
    [
      'a local story mentioning a designation of an earlier month in passing',
      page(
        '2021-09-02',
        'Hospital opens same-day emergency care unit',
        "<p>A new unit opened this week. Devon, which became one of the country's 42 integrated care systems in April, has made admissions a priority.</p>",
      ),
    ],
    [
      'an anniversary',
      page(
        '2022-06-15',
        'Five years since the first accountable care systems were named',
        '<p>Five years ago NHS England named the first eight accountable care systems, including Frimley, Dorset and South Yorkshire and Bassetlaw.</p>',
      ),
    ],
  ] as const) {
    it(`gives none for ${kind}`, () => {
      expect(extract(html)).toMatchObject({ outcome: 'none', areas: [], announcement: null });
    });
  }
});

describe('extractDesignations fails closed', () => {
  it('gives count_mismatch when the stated count differs from the areas found, with the areas found', () => {
    const html = page(
      '2021-03-19',
      'Three more ICSs approved',
      '<p>The three new systems are:</p><ul><li>Devon</li><li>Lincolnshire</li></ul>',
    );
    const extraction = extract(html);
    expect(extraction.outcome).toBe('count_mismatch');
    expect(extraction.problem).toMatch(/says 3 areas .* but 2 were found \(Devon, Lincolnshire\)/);
    expect(extraction.announcement).toBeNull();
  });

  it('gives layout_drift when the headline announces designations but the areas are only in an image', () => {
    const html = page(
      '2020-05-21',
      'Four more integrated care systems designated',
      '<p>Another four areas have been designated as integrated care systems.</p><figure><img alt="map"></figure>',
    );
    expect(extract(html)).toMatchObject({ outcome: 'layout_drift', areas: [] });
  });

  it('gives layout_drift when a paragraph states how many areas it designates and no area is found', () => {
    const html = page(
      '2020-12-08',
      'Integrated care: where we are',
      '<p>Partnerships across the country have continued to work together during the pandemic.</p><p>Eleven further areas have today been designated as integrated care systems. The full list is in the attached PDF.</p><p>Areas working towards designation include:</p><ul><li>Devon</li><li>Kent and Medway</li></ul>',
    );
    expect(extract(html)).toMatchObject({ outcome: 'layout_drift', areas: [], stated_count: 11 });
  });

  it('gives count_mismatch when a release is "one of three" and names one other', () => {
    const html = page(
      '2019-06-21',
      'We are an ICS',
      '<p>South East London has been confirmed as one of three new integrated care systems, alongside North East and North Cumbria.</p>',
    );
    expect(extract(html)).toMatchObject({ outcome: 'count_mismatch', stated_count: 3 });
  });

  it('reports a listed name the closed world does not know as an unresolved area, never dropping it', () => {
    const html = page(
      '2021-03-19',
      'Two more areas to become integrated care systems',
      '<p>The following areas will become integrated care systems:</p><ul><li>Devon – 1.2 million people</li><li>Atlantis and the Sunken Isles – nowhere</li></ul>',
    );
    const extraction = extract(html);
    expect(extraction.outcome).toBe('designation');
    expect(extraction.areas.map((area) => [area.name_as_published, area.ics_code])).toEqual([
      ['Devon', 'QJK'],
      ['Atlantis and the Sunken Isles', null],
    ]);
  });
});

describe('explainExtraction', () => {
  it('prints every mention with its decision and the words that drove it, then the counts and the outcome', () => {
    const html = page(
      '2021-03-19',
      'Three more ICSs approved',
      '<p>The three new systems are:</p><ul><li>Devon</li><li>Lincolnshire</li></ul><blockquote><p>“Dorset led the way.”</p></blockquote>',
    );
    const text = explainExtraction(extract(html));
    expect(text).toContain(
      'announces designations (headline): "Three more ICSs approved" [approved, ICSs, Three more ICSs]',
    );
    expect(text).toMatch(
      /DESIGNATED\s+Devon \(QJK, item\): listed under an introduction to the announced systems/,
    );
    expect(text).toMatch(/not designated\s+Dorset \(QVV, inline\): in a quotation/);
    expect(text).toContain('count (page): says 3, found 2 DIFFERS');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^outcome: count_mismatch: the page says 3 areas/);
  });
});
