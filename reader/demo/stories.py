"""The demo newsroom's fictional stories: four desks, and the revisions scripted to land in the
first five minutes (paragraphs added, a headline rewritten, a correction, a word changed, a
paragraph cut, a figure changed and then changed back, a story withdrawn, a page whose "Updated N
minutes ago" line changes without being news)."""

from __future__ import annotations

from dataclasses import dataclass

SITE = "The Aldren Courier"


@dataclass(frozen=True)
class Revision:
    """A change that becomes visible ``at`` seconds after the newsroom opens."""

    at: float
    note: str
    title: str | None = None
    add: tuple[str, ...] = ()
    replace: tuple[tuple[str, str], ...] = ()
    remove: tuple[str, ...] = ()  # paragraphs taken out


@dataclass(frozen=True)
class Story:
    slug: str
    desk: str
    title: str
    author: str
    hours_ago: float
    paragraphs: tuple[str, ...]
    revisions: tuple[Revision, ...] = ()
    removed_at: float | None = None
    relative_stamp: bool = False


@dataclass(frozen=True)
class Desk:
    key: str
    name: str
    folder: str
    path: str
    kind: str  # "rss", "atom" or "json"


DESKS = (
    Desk("world", "World", "News", "/world/rss.xml", "rss"),
    Desk("city", "City", "News", "/city/atom.xml", "atom"),
    Desk("science", "Science", "Features", "/science/feed.json", "json"),
    Desk("business", "Business", "Features", "/business/rss.xml", "rss"),
)

STORIES = (
    Story(
        "dam-talks",
        "world",
        "Neighbours reopen talks over the Velm river dam",
        "Ines Harrow",
        2.5,
        (
            "Negotiators from Carvel and the Ostmark Republic sat down again on Tuesday to discuss"
            " how much water the new Velm river dam may hold back during the dry months.",
            "The talks, hosted in the lakeside town of Brenne, had stalled in spring after"
            " farmers downstream reported the lowest summer flow in forty years.",
            "Carvel's delegation says the reservoir is needed to keep the lights on in the"
            " capital. Ostmark's negotiators want a guaranteed minimum flow written into any"
            " agreement.",
            "Both sides described the first session as constructive but declined to give details.",
        ),
        (
            Revision(
                90,
                "headline rewritten",
                title="Carvel and Ostmark agree to share Velm river water in the dry months",
            ),
            Revision(
                90,
                "paragraph added",
                add=(
                    "Late on Tuesday the two delegations announced a provisional deal: the dam"
                    " will release at least 60 cubic metres a second from June to September.",
                ),
            ),
        ),
    ),
    Story(
        "summit-coast",
        "world",
        "Coastal states open a summit on shipping lanes",
        "Tomas Reyl",
        5,
        (
            "Ministers from eleven coastal states gathered in Saint Auben on Monday for a three-day"
            " summit on how to share increasingly crowded shipping lanes.",
            "Port operators have warned for years that the northern strait is close to its"
            " safe capacity during the autumn storm season.",
            "A draft communique seen by reporters proposes a joint traffic service and shared"
            " pilot boats for the narrowest stretch.",
            "The summit closes on Wednesday with a vote on the communique.",
        ),
        relative_stamp=True,
    ),
    Story(
        "island-election",
        "world",
        "Islanders of Meriva vote in a close-run election",
        "Ines Harrow",
        9,
        (
            "Voters on the island republic of Meriva went to the polls on Sunday in an election"
            " that polls suggest is too close to call.",
            "The governing Harbour Party has campaigned on its record of new ferry links."
            " The opposition promises cheaper housing for young families.",
            "Turnout by midday was 41 per cent, the electoral commission said, higher than at"
            " the last vote.",
            "Results are expected overnight.",
        ),
    ),
    Story(
        "rail-link",
        "world",
        "Cross-border rail link opens after twelve years of work",
        "Tomas Reyl",
        20,
        (
            "The first passenger train crossed the new Lindqvist viaduct on Saturday, opening a"
            " direct rail link between Carvel and the southern provinces.",
            "The journey between the two capitals now takes three hours instead of seven.",
            "Engineers said the viaduct, at 2.4 kilometres, is the longest in the region.",
            "Tickets for the first month sold out within a day.",
        ),
    ),
    Story(
        "ferry-strike",
        "city",
        "Port Aldren ferry crews walk out over rosters",
        "Maud Okafor",
        1.5,
        (
            "Ferry crews in Port Aldren stopped work at dawn on Thursday in a dispute over new"
            " rosters, leaving thousands of commuters to find another way across the harbour.",
            "The crews' union says the new rosters would add two night shifts a month without"
            " extra pay. The harbour authority says the changes are needed to run a later"
            " service on weekends.",
            "Queues for the bridge buses stretched along the quay by eight o'clock.",
            "No talks have been scheduled.",
        ),
        (
            Revision(
                40,
                "paragraph added",
                add=(
                    "Update, 09:40: The harbour authority and the union have agreed to meet at"
                    " noon. One ferry will run every hour until then, the authority said.",
                ),
            ),
        ),
    ),
    Story(
        "warehouse-fire",
        "city",
        "Fire breaks out at a warehouse on Kessel Quay",
        "Jon Varga",
        0.5,
        (
            "A large fire broke out at a warehouse on Kessel Quay early on Thursday. At least"
            " three fire crews are at the scene.",
            "Residents of nearby streets have been asked to keep their windows closed because of"
            " the smoke.",
            "This is a developing story and will be updated.",
        ),
        (
            Revision(
                60,
                "paragraph added",
                add=("The fire service said the warehouse held paper and furniture.",),
            ),
            Revision(
                180,
                "more crews; words changed",
                replace=(("At least three fire crews", "At least five fire crews"),),
                add=("Kessel Quay is closed to traffic between the bridge and the fish market.",),
            ),
            Revision(
                270,
                "fire under control",
                add=(
                    "Shortly before ten o'clock the fire service said the fire was under"
                    " control. No one was hurt.",
                ),
            ),
        ),
    ),
    Story(
        "library-hours",
        "city",
        "City libraries to open on Sunday afternoons",
        "Maud Okafor",
        7,
        (
            "All nine public libraries in Port Aldren will open on Sunday afternoons from next"
            " month, the city council decided on Wednesday.",
            "The change follows a petition signed by more than six thousand residents.",
            "The council will hire twelve extra staff to cover the new hours.",
            "Opening hours on other days stay the same.",
        ),
        (
            Revision(
                120,
                "paragraph cut",
                remove=("The council will hire twelve extra staff to cover the new hours.",),
            ),
        ),
    ),
    Story(
        "tram-fares",
        "city",
        "Tram fares to rise by ten cents in the new year",
        "Jon Varga",
        26,
        (
            "A single tram ticket in Port Aldren will cost ten cents more from January, the"
            " transport board announced.",
            "Monthly passes stay at their current price, and children under twelve keep"
            " travelling free.",
            "The board said the rise would pay for new tram stops along the eastern shore.",
            "Passenger groups called the rise modest but asked for more frequent night trams.",
        ),
    ),
    Story(
        "comet-return",
        "science",
        "Astronomers spot the return of comet Halvard-Niemi",
        "Priya Castell",
        3,
        (
            "Astronomers at the Kestrel Hill observatory have spotted comet Halvard-Niemi on"
            " its first return in four decades, four weeks earlier than expected.",
            "The comet should be visible with binoculars from mid-December, low in the"
            " south-west after dusk.",
            "Its tail is made of dust and ice released as the comet is warmed by the sun.",
            "The observatory will hold public viewing nights if the skies stay clear.",
        ),
        (
            Revision(
                210,
                "figure corrected",
                replace=(("four weeks earlier", "six weeks earlier"),),
            ),
        ),
    ),
    Story(
        "seagrass",
        "science",
        "Seagrass meadows return to the Aldren estuary",
        "Lena Moss",
        11,
        (
            "Seagrass is growing again in the Aldren estuary for the first time in thirty years,"
            " marine biologists at the city university report.",
            "Divers mapped almost four hectares of new meadow this summer.",
            "The recovery follows a decade of work to cut the run-off of fertiliser upstream.",
            "Seagrass shelters young fish and stores carbon in the seabed.",
        ),
        (
            Revision(60, "figure changed", replace=(("four hectares", "fourteen hectares"),)),
            Revision(180, "figure changed back", replace=(("fourteen hectares", "four hectares"),)),
        ),
    ),
    Story(
        "bee-study",
        "science",
        "Urban rooftops help wild bees, study finds",
        "Priya Castell",
        16,
        (
            "Green roofs in Port Aldren are home to twenty-three species of wild bee, according"
            " to a three-year study published on Friday.",
            "The researchers counted bees on forty roofs planted with native wildflowers.",
            "Roofs with the widest mix of plants drew the most species.",
            "The authors recommend planting for flowers that bloom in late summer.",
        ),
    ),
    Story(
        "deep-sea-vent",
        "science",
        "Research ship maps a new deep-sea vent field",
        "Lena Moss",
        29,
        (
            "The research ship Aurelie has mapped a field of hydrothermal vents 2,900 metres"
            " below the surface of the Western Basin.",
            "The vents release water at more than 300 degrees Celsius.",
            "Scientists on board collected samples of microbes living around the vents.",
            "The ship returns to Port Aldren next week.",
        ),
    ),
    Story(
        "bakery-chain",
        "business",
        "Bakery chain Crumb & Co plans twenty new shops",
        "Otto Brandt",
        4,
        (
            "Crumb & Co, the bakery chain founded in Port Aldren, plans to open twenty new shops"
            " across the region next year, its chief executive said on Tuesday.",
            "The company reported sales of 48 million crowns last year, up a fifth.",
            "Most of the new shops will be at railway stations.",
            "The chain employs 640 people.",
        ),
        (
            Revision(
                150,
                "correction appended",
                replace=(("48 million crowns", "84 million crowns"),),
                add=(
                    "Correction: An earlier version of this article misstated the company's"
                    " sales last year. They were 84 million crowns, not 48 million.",
                ),
            ),
        ),
    ),
    Story(
        "merger-rumour",
        "business",
        "Shipping firms Halden and Marrow said to be in merger talks",
        "Sara Lind",
        6,
        (
            "Two of the region's largest shipping companies, Halden Lines and Marrow Freight,"
            " are in early merger talks, according to people familiar with the matter.",
            "Neither company would comment.",
            "A merger would create the largest container operator in the Western Basin.",
        ),
        removed_at=240,
    ),
    Story(
        "harbour-jobs",
        "business",
        "Harbour expansion to create 1,200 jobs",
        "Otto Brandt",
        13,
        (
            "The expansion of Port Aldren's container harbour will create about 1,200 jobs over"
            " five years, the harbour authority estimates.",
            "Construction of the new quay begins in March.",
            "Local colleges will offer training courses for crane operators.",
            "The project is funded by the harbour authority and a regional development bank.",
        ),
    ),
    Story(
        "coffee-prices",
        "business",
        "Cafe owners feel the squeeze of coffee prices",
        "Sara Lind",
        22,
        (
            "Cafe owners in Port Aldren say the rising price of coffee beans is squeezing their"
            " margins.",
            "Wholesale prices have risen by a third since the spring.",
            "Several cafes have raised the price of a cup by twenty cents.",
            "Roasters expect prices to ease next year.",
        ),
    ),
)
